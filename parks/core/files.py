"""Files written beside rows: a write that fails, or a transaction that rolls back, leaves no file
behind (a half-written or empty file with no row naming it)."""

from contextlib import contextmanager


class FilesWritten:
    """The files written inside files_undone_on_error, to be deleted if it fails."""

    def __init__(self):
        self.written = []

    def save(self, field_file, filename: str, content) -> str:
        """FieldFile.save(filename, content, save=False), noting the file's name before the
        write, so a write that fails half-way (a full disk) is deleted too."""
        field, storage = field_file.field, field_file.storage
        name = storage.get_available_name(
            field.generate_filename(field_file.instance, filename), max_length=field.max_length
        )
        self.written.append((storage, name))
        saved = storage.save(name, content, max_length=field.max_length)
        if saved != name:
            # Another writer took the name meanwhile and storage chose another: that file is
            # theirs, so only the one written here is deleted on failure.
            self.written[-1] = (storage, saved)
        setattr(field_file.instance, field.attname, saved)
        return saved


@contextmanager
def files_undone_on_error():
    """Yields a FilesWritten; if the block fails (and its rows roll back), the files written
    inside are deleted again rather than left in storage with no row.

    Use it inside the transaction (`with transaction.atomic(), files_undone_on_error() as f:`):
    then only a failure before the commit deletes files. Outside it, an error raised by an
    on-commit hook after the rows were committed would delete files those rows name.
    """
    files = FilesWritten()
    try:
        yield files
    except BaseException:
        for storage, name in files.written:
            storage.delete(name)
        raise
