"""A FilterSet whose form takes the fields made for it as they are.

django-filter makes each FilterSet its own form class, from fields its filters build for that
FilterSet alone (a select's queryset is the request's user's). Django's form then deep-copies
those fields, with their widgets and choices, as it would fields shared by every form of a
class: about a third of a list page's filter form, for fields no other form ever sees. Here
the first form of a FilterSet takes its fields without the copy; any later form of the same
FilterSet (django-filter builds one, but a caller may ask for another) copies them as Django
does, so no two forms share a field.
"""

import django_filters


class _OwnFields(dict):
    """A form class's fields, handed to its one form as they are (Form.__init__ deep-copies
    base_fields: a shallow copy of the dict is what that copy comes to here)."""

    def __deepcopy__(self, memo):
        return dict(self)


class OwnFieldsFilterSet(django_filters.FilterSet):
    def get_form_class(self):
        form_class = super().get_form_class()
        if not getattr(self, "_fields_handed", False):
            self._fields_handed = True
            form_class.base_fields = _OwnFields(form_class.base_fields)
        return form_class
