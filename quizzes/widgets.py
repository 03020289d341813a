"""Keyboard-operable widgets for matching and ordering questions: plain labelled selects, no
drag and drop, so they work with a keyboard, a screen reader or a switch device."""

from django import forms


class QuestionWidget(forms.Widget):
    """A widget of several selects in one question: each select's accessible name says which
    question it belongs to (`question_label`, set by the attempt form: "Question 3")."""

    question_label = "this question"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["question_label"] = self.question_label
        return context


class MatchingWidget(QuestionWidget):
    template_name = "quizzes/widgets/matching.html"

    def __init__(self, rows=(), choices=(), attrs=None):
        super().__init__(attrs)
        self.rows = list(rows)
        self.choices = list(choices)

    def value_from_datadict(self, data, files, name):
        return {row_id: data.get(f"{name}-{row_id}", "") for row_id, _ in self.rows}

    def value_omitted_from_data(self, data, files, name):
        return not any(f"{name}-{row_id}" in data for row_id, _ in self.rows)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        value = value if isinstance(value, dict) else {}
        base_id = context["widget"]["attrs"].get("id", name)
        context["rows"] = [
            {
                "id": f"{base_id}-{row_id}",
                "name": f"{name}-{row_id}",
                "prompt": prompt,
                "value": value.get(row_id, ""),
            }
            for row_id, prompt in self.rows
        ]
        context["choices"] = self.choices
        return context

    def id_for_label(self, id_):
        return f"{id_}-{self.rows[0][0]}" if id_ and self.rows else id_


class MatchingField(forms.Field):
    """Cleans to {row id: chosen answer text}; every row must be matched."""

    def __init__(self, rows, choices, **kwargs):
        self.rows, self.choices = list(rows), list(choices)
        kwargs.setdefault("widget", MatchingWidget(rows=self.rows, choices=self.choices))
        kwargs.setdefault("error_messages", {"required": "Match every item."})
        super().__init__(**kwargs)

    def partial(self, value):
        """The rows answered so far with a valid choice (for autosave)."""
        value = value if isinstance(value, dict) else {}
        return {row_id: value[row_id] for row_id, _ in self.rows if value.get(row_id) in self.choices}

    def clean(self, value):
        answered = self.partial(value)
        if self.required and len(answered) < len(self.rows):
            missing = len(self.rows) - len(answered)
            raise forms.ValidationError(f"Match every item ({missing} still to choose).", code="required")
        return answered


class OrderingWidget(QuestionWidget):
    template_name = "quizzes/widgets/ordering.html"

    def __init__(self, items=(), attrs=None):
        super().__init__(attrs)
        self.items = list(items)

    def value_from_datadict(self, data, files, name):
        return {item_id: data.get(f"{name}-{item_id}", "") for item_id, _ in self.items}

    def value_omitted_from_data(self, data, files, name):
        return not any(f"{name}-{item_id}" in data for item_id, _ in self.items)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if isinstance(value, list):  # a saved answer: item ids in the learner's order
            positions = {item_id: str(index) for index, item_id in enumerate(value, start=1)}
        elif isinstance(value, dict):
            positions = value
        else:  # nothing yet: every position starts empty, so an untouched question is unanswered
            positions = {}
        base_id = context["widget"]["attrs"].get("id", name)
        context["items"] = [
            {
                "id": f"{base_id}-{item_id}",
                "name": f"{name}-{item_id}",
                "text": text,
                "value": str(positions.get(item_id, "")),
            }
            for item_id, text in self.items
        ]
        context["positions"] = [str(n) for n in range(1, len(self.items) + 1)]
        context["instruction_id"] = f"{base_id}_instruction"
        return context

    def id_for_label(self, id_):
        return f"{id_}-{self.items[0][0]}" if id_ and self.items else id_


class OrderingField(forms.Field):
    """Cleans to the item ids in the learner's order; each item needs a different position."""

    def __init__(self, items, **kwargs):
        self.items = list(items)
        kwargs.setdefault("widget", OrderingWidget(items=self.items))
        kwargs.setdefault("error_messages", {"required": "Give every item a position."})
        super().__init__(**kwargs)

    def clean(self, value):
        value = value if isinstance(value, dict) else {}
        count = len(self.items)
        positions = {}
        for item_id, _ in self.items:
            raw = str(value.get(item_id, "")).strip()
            if not raw.isdigit() or not 1 <= int(raw) <= count:
                raise forms.ValidationError("Give every item a position.", code="required")
            positions[item_id] = int(raw)
        if len(set(positions.values())) != count:
            raise forms.ValidationError(
                "Give each item a different position (1 to %(n)s).", params={"n": count}
            )
        return [item_id for item_id, _ in sorted(positions.items(), key=lambda pair: pair[1])]
