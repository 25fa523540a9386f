"""Errors that stop an export. Their messages are written for the person who ran the command."""


class ExportError(Exception):
    """An export cannot run or cannot finish; nothing already published has been changed."""


class ChannelConfigError(ExportError):
    """The channel configuration file is missing or invalid; the message names file and field."""


class ExportLocked(ExportError):
    """Another export run holds the lock on the export folder."""
