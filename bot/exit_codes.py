"""Exit codes, for process supervisors (see README, deploy/storybot.service), and the one-line
failure that carries one."""

EXIT_OK = 0
EXIT_FAILURE = 1  # unexpected; worth a restart
EXIT_CONFIG = 2  # configuration, data file or database problem: fix it, don't restart
EXIT_LOGIN = 3  # Discord refused the token: restarting would only burn logins
EXIT_INTERRUPTED = 130  # Ctrl-C during a `db` command


class CliError(Exception):
    """A failure to report in one line, with the exit code to end on."""

    def __init__(self, message: str, code: int = EXIT_CONFIG) -> None:
        super().__init__(message)
        self.code = code
