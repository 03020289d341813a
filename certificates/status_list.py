"""Revocation as a W3C Bitstring Status List (1.0): each certificate has a random entry (bit) in a
list of 131,072 (Certificate.status_list, status_list_index); its credential points there
(credentialStatus), and the list itself is a signed credential at /certificates/status/<n>
(certificates.credentials.status_list_credential).

The bits are not stored: they are read from Certificate.revoked_at each time the list is asked
for, the same column the verification page reads. So the bit is 1 from the moment a certificate is
revoked and 0 again once it is reinstated, and the list and the page can never disagree.
"""

import base64
import gzip

from django.urls import reverse

from lms.site_url import absolute_url

from .models import STATUS_LIST_SIZE, Certificate

PURPOSE = "revocation"


def status_list_path(number):
    return reverse("certificates:status_list", kwargs={"number": number})


def status_list_url(number, base=None):
    return absolute_url(status_list_path(number), base=base)


def list_exists(number):
    return Certificate.objects.filter(status_list=number).exists()


def revoked_indexes(number):
    """The entries of list `number` whose certificate is revoked now."""
    return Certificate.objects.filter(status_list=number, revoked_at__isnull=False).values_list(
        "status_list_index", flat=True
    )


def encode_bitstring(indexes, size=STATUS_LIST_SIZE):
    """The list's encodedList: the bitstring (index 0 is the first byte's most significant bit),
    GZIP-compressed, base64url without padding, with the multibase prefix "u"."""
    bits = bytearray(size // 8)
    for index in indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    compressed = gzip.compress(bytes(bits), mtime=0)  # mtime 0: the same bits give the same text
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode()


def credential_status(certificate):
    """The credentialStatus of a certificate's credential (a BitstringStatusListEntry)."""
    url = status_list_url(certificate.status_list, base=certificate.base_url)
    return {
        "id": f"{url}#{certificate.status_list_index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": PURPOSE,
        "statusListIndex": str(certificate.status_list_index),
        "statusListCredential": url,
    }
