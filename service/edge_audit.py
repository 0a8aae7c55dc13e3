"""What the edge records of each API call for the audit log: ids and outcomes, never content."""

from __future__ import annotations

from dataclasses import dataclass

from audit.entry import AuditEvent
from service.sigv4 import Caller

UNAUTHENTICATED = "unauthenticated"


@dataclass(slots=True)
class ApiCall:
    """Filled in as the request is understood; what is known when it ends is what gets recorded."""

    request_id: str
    source: str
    caller: Caller | None = None
    operation: str = "UnknownOperation"
    resource: str = ""

    def event(self, outcome: str, role: str) -> AuditEvent:
        caller = self.caller
        return AuditEvent(
            account_id=caller.account_id if caller else UNAUTHENTICATED,
            actor=caller.access_key_id if caller else UNAUTHENTICATED,
            role=role if caller else UNAUTHENTICATED,
            action=self.operation,
            resource=self.resource,
            source_address=self.source,
            outcome=outcome,
            request_id=self.request_id,
        )
