from django import forms
from wagtail.documents.forms import BaseDocumentForm

from lms.sanitise import clean_html

from . import media
from .models import TaskSubmission

MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
# What a learner may attach, recognised by the file's first bytes (its name alone proves nothing).
ATTACHMENT_SIGNATURES = {
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"),
    "webp": (b"RIFF",),
    "pdf": (b"%PDF-",),
}
ATTACHMENT_CONTENT_TYPES = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "pdf": "application/pdf",
}


def attachment_extension(name):
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def validate_attachment(upload):
    """Refuse a file that is too big or is not, by its content, a PNG, JPEG, GIF, WebP or PDF."""
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise forms.ValidationError("The file is too big: attach one of 5 MB or less.")
    extension = attachment_extension(upload.name)
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    signatures = ATTACHMENT_SIGNATURES.get(extension)
    if not signatures or not head.startswith(signatures):
        raise forms.ValidationError("Attach an image (PNG, JPEG, GIF or WebP) or a PDF.")
    if extension == "webp" and head[8:12] != b"WEBP":
        raise forms.ValidationError("Attach an image (PNG, JPEG, GIF or WebP) or a PDF.")
    return upload


class AttachmentField(forms.FileField):
    """An optional file for a practice task, checked for type (by content) and size."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", "Attach a file")
        kwargs.setdefault("help_text", "Optional: an image (PNG, JPEG, GIF or WebP) or a PDF, up to 5 MB.")
        kwargs.setdefault(
            "widget", forms.ClearableFileInput(attrs={"accept": ".png,.jpg,.jpeg,.gif,.webp,.pdf"})
        )
        super().__init__(**kwargs)

    image_only = False  # a post's image: no PDF

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload or not hasattr(upload, "read"):
            return None
        if self.image_only and attachment_extension(upload.name) == "pdf":
            raise forms.ValidationError("Attach an image (PNG, JPEG, GIF or WebP).")
        return validate_attachment(upload)


class AttachmentFormMixin:
    """Adds the optional `attachment` field when the lesson allows one."""

    def __init__(self, *args, allow_attachment=False, **kwargs):
        super().__init__(*args, **kwargs)
        if allow_attachment:
            self.fields["attachment"] = AttachmentField()


class TaskSubmissionForm(AttachmentFormMixin, forms.ModelForm):
    class Meta:
        model = TaskSubmission
        fields = ["text"]
        labels = {"text": "Your work"}
        help_texts = {
            "text": "Write or paste your answer. Simple formatting is kept (paragraphs, lists, bold, links)."
        }
        widgets = {"text": forms.Textarea(attrs={"rows": 10})}

    def clean_text(self):
        text = self.cleaned_data["text"]
        if not clean_html(text).strip() or len(" ".join(text.split())) < 20:
            raise forms.ValidationError("Write at least a few sentences (20 characters or more).")
        return text


class CourseDocumentForm(BaseDocumentForm):
    """Wagtail's document form (*Documents* in the admin, WAGTAILDOCS_DOCUMENT_FORM_BASE), which
    also checks a lesson video or captions file by its content: an .mp4 or .webm must be that
    video, a .vtt must start with WEBVTT."""

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and "file" in self.changed_data:
            media.check_media_upload(upload, upload.name)
        return upload
