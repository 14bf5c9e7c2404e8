"""The SMTP connection as production uses it: STARTTLS with a verified certificate and a
login, against aiosmtpd requiring both."""

from __future__ import annotations

import ipaddress
import ssl
from datetime import timedelta
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pydantic import SecretStr
from sqlalchemy.orm import Session

from nohaven.auth.actor import Actor
from nohaven.config import Settings
from nohaven.kit.clock import utcnow
from nohaven.notifications import service
from tests.factories import Factory
from tests.notifications.smtp import Handler, free_port
from tests.notifications.test_mail import run_sender

USER, PASSWORD = "nohaven-relay", "relay-password-for-this-test"


def self_signed(tmp: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = utcnow()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp / "relay.pem", tmp / "relay.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def check_login(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
        USER.encode(),
        PASSWORD.encode(),
    )
    return AuthResult(success=ok)


def test_starttls_with_a_verified_certificate_and_a_login(
    db: Session, factory: Factory, settings: Settings, tmp_path: Path
) -> None:
    from aiosmtpd.controller import Controller

    cert, key = self_signed(tmp_path)
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)
    handler = Handler()
    port = free_port()
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=port,
        tls_context=server_tls,
        require_starttls=True,
        authenticator=check_login,
        auth_required=True,
    )
    controller.start()
    try:
        org = factory.organisation("Secure Agency", kind="law_enforcement", country="FI")
        person = factory.user(org, roles=("org_admin",))
        service.notify(
            db, actor=Actor.system(), organisation_id=org.id, kind="travel.escalation", title="x"
        )
        secure = settings.mail.model_copy(
            update={
                "port": port,
                "security": "starttls",
                "ca_file": cert,
                "user": USER,
                "password": SecretStr(PASSWORD),
            }
        )
        wrong = secure.model_copy(update={"password": SecretStr("not-the-password")})
        assert run_sender(db, settings.model_copy(update={"mail": wrong}))["deferred"] == 1
        untrusted = secure.model_copy(update={"ca_file": None})
        counts = run_sender(
            db, settings.model_copy(update={"mail": untrusted}), later=timedelta(minutes=2)
        )
        assert counts["deferred"] == 1
        counts = run_sender(
            db, settings.model_copy(update={"mail": secure}), later=timedelta(minutes=10)
        )
        assert counts["sent"] == 1
        [mail] = [r for r in handler.received if person.email in r.recipients]
        assert mail.message["Subject"] == "nohaven: Overdue travel notification escalated"
    finally:
        controller.stop()
