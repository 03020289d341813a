from django import forms

from courses.models import CoursePage


class CourseChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, course):
        return course.title


class OneCourseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, course):
        return course.title


class DeepLinkForm(forms.Form):
    """The deep linking chooser: the courses to link (one only, as radio buttons, when the platform
    takes one), and the platform's request, signed when the launch was checked
    (lti.services.deep_link_request)."""

    request = forms.CharField(widget=forms.HiddenInput)
    courses = CourseChoiceField(
        label="Courses",
        queryset=CoursePage.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose a course to add."},
    )

    def __init__(self, *args, courses, accept_multiple, **kwargs):
        super().__init__(*args, **kwargs)
        self.accept_multiple = accept_multiple
        if accept_multiple:
            self.fields["courses"].queryset = courses
        else:
            self.fields["courses"] = OneCourseChoiceField(
                label="Course",
                queryset=courses,
                widget=forms.RadioSelect,
                empty_label=None,
                error_messages={"required": "Choose a course to add."},
            )

    def clean_courses(self):
        chosen = self.cleaned_data["courses"]
        return list(chosen) if self.accept_multiple else [chosen]
