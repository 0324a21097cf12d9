"""Thin Discord adapters: parse options, call the store, render, respond."""
