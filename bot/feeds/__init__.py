"""Feeds: RSS and Atom sources whose new items go to a review channel.

No discord, store or cog imports here, so every part runs and is tested on its own:
`urls` and `keywords` check what a moderator types, `guard` decides which addresses may be
contacted, `fetch` downloads a feed safely, `parse` turns it into plain items, `schedule`
decides when to poll next and how to describe a feed's health, and `poller` runs one round
over the due feeds through a `FeedSource` the store implements.
"""
