import pytest
from django.db import IntegrityError

from lms.models import User


@pytest.mark.django_db
def test_email_login_is_case_insensitive(client):
    User.objects.create_user(
        email="Pat.Lee@Agency.gov.au", password="Long-enough-pass-1", full_name="Pat Lee"
    )
    user = User.objects.get()
    assert user.email == "pat.lee@agency.gov.au"
    assert client.login(username="PAT.LEE@agency.gov.au", password="Long-enough-pass-1")


@pytest.mark.django_db
def test_email_unique_regardless_of_case():
    User.objects.create_user(email="a@b.gov.au", full_name="A")
    with pytest.raises(IntegrityError):
        User.objects.create(email="A@B.gov.au", full_name="B")


@pytest.mark.django_db
def test_superuser_defaults():
    admin = User.objects.create_superuser(
        email="admin@example.gov.au", password="x-Long-pass-9", full_name="Ad Min"
    )
    assert admin.is_staff and admin.is_superuser and admin.role == User.Role.TRAINER
    assert admin.role_is_confirmed
    assert admin.get_full_name() == "Ad Min" and admin.get_short_name() == "Ad"


@pytest.mark.django_db
def test_signup_cannot_choose_trainer_role(client):
    from django.urls import reverse

    response = client.post(
        reverse("signup"),
        {
            "full_name": "Sneaky",
            "email": "s@example.gov.au",
            "role": "trainer",
            "password1": "Harbour-Lights-1987",
            "password2": "Harbour-Lights-1987",
        },
    )
    assert response.status_code == 200
    assert b"Select a valid choice" in response.content
    assert not User.objects.exists()


@pytest.mark.django_db
def test_add_trainer_command_creates_a_trainer_in_the_group():
    from django.core.management import call_command

    call_command(
        "add_trainer", "trainer@example.gov.au", "--name", "Terry Trainer", "--password", "Pw-long-enough-1"
    )
    user = User.objects.get(email="trainer@example.gov.au")
    assert user.role == User.Role.TRAINER
    assert user.groups.filter(name="Trainers").exists()


@pytest.mark.django_db
def test_invited_learner_without_a_password_can_ask_for_a_reset_link(client, mailoutbox):
    from django.urls import reverse

    invited = User.objects.create_user(email="invited@example.gov.au", full_name="Ivy Invited")
    assert not invited.has_usable_password()
    client.post(reverse("password_reset"), {"email": "INVITED@example.gov.au"})
    assert len(mailoutbox) == 1 and "/accounts/password/reset/key/" in mailoutbox[0].body
    invited.is_active = False
    invited.save()
    client.post(reverse("password_reset"), {"email": "invited@example.gov.au"})
    # Inactive accounts get no reset link (the address is told no account uses it, as for any
    # unknown address: the same answer either way).
    assert len(mailoutbox) == 2 and "/accounts/password/reset/key/" not in mailoutbox[1].body
