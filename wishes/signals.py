from django.dispatch import Signal

# Sent on commit after a wish changes status: wish_id, village_id, town_id, to_status.
wish_status_changed = Signal()
