"""Uploaded files."""

from __future__ import annotations

import io
import warnings
from typing import Any

from manouche.formkit import validators
from manouche.formkit._i18n import gettext_noop
from manouche.formkit._messages import Plural
from manouche.formkit.exceptions import ValidationError
from manouche.formkit.fields._base import Field
from manouche.formkit.widgets import (
    FILE_INPUT_CONTRADICTION,
    ClearableFileInput,
    FileInput,
    Widget,
)


class FileField(Field):
    """An uploaded file; ``max_length`` bounds its name, ``max_size`` its bytes.

    ``max_size`` is formkit's own (Django leaves the limit to the server): a
    bigger file fails with code ``max_size``.
    """

    widget = ClearableFileInput
    default_error_messages = {
        "invalid": gettext_noop("No file was submitted. Check the encoding type on the form."),
        "missing": gettext_noop("No file was submitted."),
        "empty": gettext_noop("The submitted file is empty."),
        "max_length": Plural(
            "Ensure this filename has at most %(max)d character (it has %(length)d).",
            "Ensure this filename has at most %(max)d characters (it has %(length)d).",
            "max",
        ),
        "max_size": gettext_noop(
            "Ensure this file has at most %(max_size)s bytes (it has %(size)s)."
        ),
        "contradiction": gettext_noop(
            "Please either submit a file or check the clear checkbox, not both."
        ),
    }

    def __init__(
        self,
        *,
        max_length: int | None = None,
        allow_empty_file: bool = False,
        max_size: int | None = None,
        **kwargs: Any,
    ) -> None:
        self.max_length = max_length
        self.allow_empty_file = allow_empty_file
        self.max_size = max_size
        super().__init__(**kwargs)

    def to_python(self, data: Any) -> Any:
        if data in self.empty_values:
            return None
        try:
            file_name = data.name
            file_size = data.size
        except AttributeError:
            raise self.error("invalid") from None
        if self.max_length is not None and len(file_name) > self.max_length:
            raise self.error("max_length", {"max": self.max_length, "length": len(file_name)})
        if not file_name:
            raise self.error("invalid")
        if not self.allow_empty_file and not file_size:
            raise self.error("empty")
        if self.max_size is not None and file_size > self.max_size:
            raise self.error("max_size", {"max_size": self.max_size, "size": file_size})
        return data

    def clean(self, data: Any, initial: Any = None) -> Any:
        if data is FILE_INPUT_CONTRADICTION:
            raise self.error("contradiction")
        if data is False:
            if not self.required:
                return False
            data = None
        if not data and initial:
            return initial
        return super().clean(data)

    def bound_data(self, data: Any, initial: Any) -> Any:
        return initial

    def has_changed(self, initial: Any, data: Any) -> bool:
        return not self.disabled and data is not None


class ImageField(FileField):
    """An uploaded image that Pillow opens and verifies (extra ``image``).

    The cleaned file gets ``image`` (the verified, closed Pillow image) and
    ``content_type`` from the image's format; the widget accepts ``image/*``.
    An image bigger than Pillow's ``MAX_IMAGE_PIXELS`` is rejected as
    ``invalid_image`` (Django lets Pillow's warning pass and decodes it).

    .. versionadded:: 0.2
    """

    default_validators = [validators.validate_image_file_extension]
    default_error_messages = {
        "invalid_image": gettext_noop(
            "Upload a valid image. The file you uploaded was either not an "
            "image or a corrupted image."
        ),
    }

    def to_python(self, data: Any) -> Any:
        upload = super().to_python(data)
        if upload is None:
            return None
        try:
            from PIL import Image
        except ImportError:  # pragma: no cover - the extra is installed in tests
            raise ImportError(
                "ImageField needs Pillow: pip install 'manouche-formkit[image]'"
            ) from None
        path = getattr(data, "temporary_file_path", None)
        if callable(path):
            source: Any = path()
        elif hasattr(data, "read"):
            if hasattr(data, "seek"):
                data.seek(0)
            source = io.BytesIO(data.read())
        else:
            source = io.BytesIO(data["content"])
        try:
            with warnings.catch_warnings():
                # A decompression bomb is an invalid image, not a warning.
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                image = Image.open(source)
                image.verify()
            upload.image = image
            upload.content_type = Image.MIME.get(image.format or "")
        except Exception as exc:
            raise ValidationError(
                self.error_messages["invalid_image"], code="invalid_image"
            ) from exc
        if callable(getattr(upload, "seek", None)):
            upload.seek(0)
        return upload

    def widget_attrs(self, widget: Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        if isinstance(widget, FileInput) and "accept" not in widget.attrs:
            attrs.setdefault("accept", "image/*")
        return attrs
