"""AWS KMS as the key-encryption key: data keys are wrapped by kms:Encrypt with an encryption context.

The context (data key id, kind, account) is authenticated by KMS and recorded in CloudTrail; it never holds
resource names, which may carry PHI. Rotation of the KMS key itself is KMS's business (old backing keys keep
decrypting); pointing clinscribe at another key id and calling Sealer.rotate() rewraps onto it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from service.sealing.errors import KekUnavailable, Tampered

_INVALID = ("InvalidCiphertextException", "IncorrectKeyException")


class AwsKmsKek:
    def __init__(
        self,
        kms_key_id: str,
        region: str = "us-east-1",
        endpoint_url: str | None = None,
        client: Any = None,
    ) -> None:
        self.kms_key_id = kms_key_id
        self.client = client or boto3.client("kms", region_name=region, endpoint_url=endpoint_url)

    @property
    def key_id(self) -> str:
        return f"kms:{self.kms_key_id}"

    def wrap(self, dek: bytes, context: Mapping[str, str]) -> bytes:
        try:
            response = self.client.encrypt(KeyId=self.kms_key_id, Plaintext=dek, EncryptionContext=dict(context))
        except (ClientError, BotoCoreError) as exc:
            raise KekUnavailable(f"KMS Encrypt with {self.kms_key_id} failed: {exc}") from exc
        return bytes(response["CiphertextBlob"])

    def unwrap(self, blob: bytes, context: Mapping[str, str]) -> bytes:
        try:
            # No KeyId: KMS finds the key in the blob, so data keys wrapped by a previous key id still open.
            response = self.client.decrypt(CiphertextBlob=blob, EncryptionContext=dict(context))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in _INVALID:
                raise Tampered("KMS refused the wrapped data key (edited, or a different context)") from exc
            raise KekUnavailable(f"KMS Decrypt failed: {exc}") from exc
        except BotoCoreError as exc:
            raise KekUnavailable(f"KMS Decrypt failed: {exc}") from exc
        return bytes(response["Plaintext"])
