from django import forms


class AttemptForm(forms.Form):
    """One field per snapshot question, named by the question's random slot for this attempt, with
    option tokens as values (quizzes/questions.py). Carries no answer keys and no question ids."""

    def __init__(self, attempt, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.attempt = attempt
        for position, question in enumerate(attempt.questions, start=1):
            field = question.form_field()
            field.label = f"Question {position}"
            field.widget.question_label = field.label
            field.question = question
            if not self.is_bound and str(question.pk) in attempt.answers:
                field.initial = question.answer_to_form(attempt.answers[str(question.pk)])
            self.fields[self.field_name(question)] = field

    @staticmethod
    def field_name(question):
        return question.slot

    def question_fields(self):
        return [(field.field.question, field) for field in self]

    def answers(self):
        """Cleaned answers keyed by question id, as stored on the attempt."""
        return {
            str(question.pk): question.answer_from_form(self.cleaned_data[self.field_name(question)])
            for question in self.attempt.questions
            if self.field_name(question) in self.cleaned_data
        }

    def partial_answers(self):
        """The answers given so far that are valid on their own (for autosave and failed submits).

        Never raises for missing answers: an unanswered question is simply left out.
        """
        answers = {}
        for question in self.attempt.questions:
            name = self.field_name(question)
            field = self.fields[name]
            raw = field.widget.value_from_datadict(self.data, self.files, self.add_prefix(name))
            if raw in (None, "", [], {}):
                continue
            try:
                answers[str(question.pk)] = question.answer_from_form(field.clean(raw))
            except forms.ValidationError:
                partial = getattr(field, "partial", None)
                if partial and partial(raw):
                    answers[str(question.pk)] = question.answer_from_form(partial(raw))
        return answers
