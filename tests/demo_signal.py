"""Loading the demo without some of its parts, leaving the others in their order."""

from contextlib import contextmanager

from parks.signals import demo_data_loaded


@contextmanager
def demo_without(*dispatch_uids):
    """`load_demo` inside skips the parts connected under these ids. On the way out every part
    is back in its place: reconnecting would put it last, and the demo's parts build on each
    other in order (the supervision orders are about the task demo's tasks)."""
    saved = list(demo_data_loaded.receivers)
    for uid in dispatch_uids:
        demo_data_loaded.disconnect(dispatch_uid=uid)
    try:
        yield
    finally:
        with demo_data_loaded.lock:
            demo_data_loaded.receivers = saved
            demo_data_loaded.sender_receivers_cache.clear()
