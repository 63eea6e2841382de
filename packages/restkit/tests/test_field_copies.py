"""Each serializer gets fields of its own: changing one never changes another's."""

from __future__ import annotations

from typing import Any

from manouche.restkit import serializers


class Booking(serializers.Serializer):
    room = serializers.CharField(max_length=10)
    seats = serializers.IntegerField(min_value=1)
    guests = serializers.ListField(child=serializers.EmailField(), max_length=3)
    note = serializers.SerializerMethodField()

    def get_note(self, obj: Any) -> str:
        return "n"


def test_fields_are_bound_to_their_own_serializer() -> None:
    first, second = Booking(data={}), Booking(data={})
    for serializer in (first, second):  # the second is copied from what the first bound
        fields = serializer.fields
        assert all(field.parent is serializer for field in fields.values())
        assert fields["guests"].child.parent is fields["guests"]
        assert fields["room"].label == "Room" and fields["room"].source_attrs == ["room"]
        assert fields["note"].method_name == "get_note"
    assert first.fields["room"] is not second.fields["room"]
    assert first.fields["guests"].child is not second.fields["guests"].child


def test_changing_one_serializers_field_leaves_the_others_alone() -> None:
    def too_big(value: int) -> None:
        if value > 5:
            raise serializers.ValidationError("At most five.")

    changed = Booking(data={"room": "a", "seats": 9, "guests": []})
    changed.fields["seats"].validators.append(too_big)
    changed.fields["room"].required = False
    assert not changed.is_valid()
    assert changed.errors["seats"] == ["At most five."]
    plain = Booking(data={"room": "a", "seats": 9, "guests": []})
    assert plain.is_valid(), plain.errors
    assert plain.fields["room"].required is True
    assert len(plain.fields["seats"].validators) == len(changed.fields["seats"].validators) - 1


def test_partial_and_context_reach_copied_fields() -> None:
    partial = Booking(data={"seats": "2"}, partial=True, context={"who": "me"})
    assert partial.is_valid(), partial.errors
    assert partial.validated_data == {"seats": 2}
    assert partial.fields["guests"].child.context == {"who": "me"}
    full = Booking(data={"seats": "2"})
    assert not full.is_valid()
    assert set(full.errors) == {"room", "guests"}
