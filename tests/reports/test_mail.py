"""Report email: settings from the environment, the message, delivery to a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import dataclasses
import datetime as dt
import email
import email.policy
import ipaddress
import smtplib
import socket
import ssl
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from report_samples import NOW, quiet_data, review, sample_data

from repscan.reports.mail import (
    MailConfigError,
    SmtpSettings,
    build_message,
    send_message,
    smtp_settings_from_env,
    subject_for,
    write_eml,
)
from repscan.reports.render import render_pdf

SENDER = "Brightside Reports <reports@brightside.example>"
RECIPIENTS = ["owner@acme.example", "manager@acme.example"]


class Store:
    """An aiosmtpd handler that keeps every envelope and whether the session was TLS."""

    def __init__(self):
        self.envelopes = []
        self.tls = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        self.tls.append(server.transport.get_extra_info("ssl_object") is not None)
        return "250 OK"


class Logins:
    def __init__(self, user: str, password: str):
        self.expected = (user.encode(), password.encode())
        self.seen = []

    def __call__(self, server, session, envelope, mechanism, auth_data):
        self.seen.append((mechanism, auth_data.login, auth_data.password))
        return AuthResult(success=(auth_data.login, auth_data.password) == self.expected, handled=False)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server():
    """Start an SMTP server on 127.0.0.1 with the given options; stopped after the test."""
    started = []

    def start(**options):
        store = Store()
        controller = Controller(store, hostname="127.0.0.1", port=free_port(), **options)
        controller.start()
        started.append(controller)
        return controller.port, store

    yield start
    for controller in started:
        controller.stop()


@pytest.fixture(scope="module")
def pdf(tmp_path_factory) -> Path:
    return render_pdf(sample_data(), tmp_path_factory.mktemp("pdf") / "acme-2025-03-10.pdf")


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1: (server context, client context trusting it)."""
    pytest.importorskip("cryptography")
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    folder = tmp_path_factory.mktemp("tls")
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_file = folder / "cert.pem"
    key_file = folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_file, key_file


def server_context(tls_files) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*map(str, tls_files))
    return context


def client_context(tls_files) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(tls_files[0]))


def header(msg, name: str) -> str:
    # CPython re-reads a header folded right after its colon with a leading space.
    return str(msg[name]).strip()


def received(store: Store) -> email.message.EmailMessage:
    assert len(store.envelopes) == 1
    return email.message_from_bytes(store.envelopes[0].original_content, policy=email.policy.default)


def check_report_message(msg, pdf: Path):
    assert header(msg, "Subject") == "Reputation report for Acme Plumbing & Heating: 5 new reviews, 2 open items need a reply, 4 sources could not be read"  # sample_data's four failed sources
    assert header(msg, "To") == ", ".join(RECIPIENTS)
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert "New negative reviews: 3" in text
    assert "No reply yet, waiting 6 days" in text
    assert "Ștefan Țurcanu" in text
    assert "Acme Plumbing & Heating" in text
    assert "Acme Plumbing &amp; Heating" in html
    assert "No reply yet, waiting 30 h" in html
    assert 'href="https://facebook.example/acme/posts/7"' in html
    [attachment] = list(msg.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == pdf.name
    body = attachment.get_content()
    assert body.startswith(b"%PDF")
    assert body == pdf.read_bytes()


def test_send_plain(smtp_server, pdf):
    port, store = smtp_server()
    msg = build_message(sample_data(), pdf, SENDER, RECIPIENTS)
    settings = smtp_settings_from_env({"REPSCAN_SMTP_URL": f"smtp://127.0.0.1:{port}"})
    message_id = send_message(msg, settings)

    assert store.tls == [False]
    envelope = store.envelopes[0]
    assert envelope.mail_from == "reports@brightside.example"
    assert envelope.rcpt_tos == RECIPIENTS
    got = received(store)
    assert header(got, "Message-ID") == message_id == msg["Message-ID"]
    assert message_id.endswith("@brightside.example>")
    check_report_message(got, pdf)


def test_auth_over_plain_loopback(smtp_server, pdf):
    logins = Logins("agency", "p@ss:word/1")
    port, store = smtp_server(authenticator=logins, auth_required=True, auth_require_tls=False)
    msg = build_message(sample_data(), pdf, SENDER, RECIPIENTS)

    with pytest.raises(smtplib.SMTPException):
        send_message(msg, SmtpSettings("127.0.0.1", port, "plain"))
    wrong = SmtpSettings("127.0.0.1", port, "plain", "agency", "wrong")
    with pytest.raises(smtplib.SMTPAuthenticationError):
        send_message(msg, wrong)
    assert store.envelopes == []

    settings = smtp_settings_from_env({"REPSCAN_SMTP_URL": f"smtp://agency:p%40ss%3Aword%2F1@127.0.0.1:{port}"})
    send_message(msg, settings)
    assert logins.seen[-1][1:] == (b"agency", b"p@ss:word/1")
    check_report_message(received(store), pdf)


def test_starttls_with_auth(smtp_server, pdf, tls_files):
    logins = Logins("agency", "s3cret")
    port, store = smtp_server(
        tls_context=server_context(tls_files), require_starttls=True, authenticator=logins, auth_required=True
    )
    settings = smtp_settings_from_env(
        {"REPSCAN_SMTP_URL": f"smtp+starttls://127.0.0.1:{port}", "REPSCAN_SMTP_USER": "agency",
         "REPSCAN_SMTP_PASSWORD": "s3cret"}
    )
    assert settings.security == "starttls"
    msg = build_message(sample_data(), pdf, SENDER, RECIPIENTS)
    send_message(msg, settings, ssl_context=client_context(tls_files))
    assert store.tls == [True]
    check_report_message(received(store), pdf)


def test_starttls_refuses_an_untrusted_certificate(smtp_server, pdf, tls_files):
    port, store = smtp_server(tls_context=server_context(tls_files), require_starttls=True)
    msg = build_message(sample_data(), pdf, SENDER, RECIPIENTS)
    with pytest.raises(ssl.SSLCertVerificationError):
        send_message(msg, SmtpSettings("127.0.0.1", port, "starttls"))
    assert store.envelopes == []


def test_implicit_tls(smtp_server, pdf, tls_files):
    logins = Logins("agency", "s3cret")
    # aiosmtpd 1.4 only counts STARTTLS as TLS for AUTH; this session is TLS from the first byte
    port, store = smtp_server(
        ssl_context=server_context(tls_files), authenticator=logins, auth_required=True, auth_require_tls=False
    )
    settings = smtp_settings_from_env({"REPSCAN_SMTP_URL": f"smtps://agency:s3cret@127.0.0.1:{port}"})
    assert settings.security == "tls"
    msg = build_message(sample_data(), pdf, SENDER, RECIPIENTS)
    send_message(msg, settings, ssl_context=client_context(tls_files))
    assert store.tls == [True]
    assert logins.seen[-1][1:] == (b"agency", b"s3cret")
    check_report_message(received(store), pdf)


def test_resend_keeps_the_message_id(pdf):
    first = build_message(sample_data(), pdf, SENDER, RECIPIENTS)
    again = build_message(sample_data(), pdf, SENDER, RECIPIENTS, message_id=first["Message-ID"])
    other = build_message(sample_data(), pdf, SENDER, RECIPIENTS)
    assert again["Message-ID"] == first["Message-ID"]
    assert other["Message-ID"] != first["Message-ID"]


def test_subjects():
    one = review(negative=True)
    answered = review(reply_text="Sorry", reply_at=NOW)
    assert subject_for(sample_data(new_reviews=[one], negatives=[one])) == (
        "Reputation report for Acme Plumbing & Heating: 1 new review, 1 open item needs a reply, 4 sources could not be read"  # sample_data's four failed sources
    )
    assert subject_for(sample_data(new_reviews=[answered, review(negative=False)], negatives=[answered])) == (
        "Reputation report for Acme Plumbing & Heating: 2 new reviews, 4 sources could not be read"  # sample_data's four failed sources
    )
    assert subject_for(sample_data(client_name="Acme\r\nBcc: x@evil.example", new_reviews=[], negatives=[])) == (
        "Reputation report for Acme Bcc: x@evil.example: no new reviews, 4 sources could not be read"  # sample_data's four failed sources
    )


def test_quiet_email(pdf):
    data = quiet_data()
    msg = build_message(data, pdf, SENDER, RECIPIENTS)
    assert "All quiet" in msg.get_body(("plain",)).get_content()
    assert "All quiet" in msg.get_body(("html",)).get_content()
    assert "Needs a reply now" not in msg.get_body(("html",)).get_content()


def test_email_html_escapes_review_text(pdf):
    bad = review(title='<img src="http://127.0.0.1:1/x.png">', text="<b>bold</b> & more", url="javascript:alert(1)")
    msg = build_message(sample_data(new_reviews=[bad], negatives=[bad]), pdf, SENDER, RECIPIENTS)
    html = msg.get_body(("html",)).get_content()
    assert "<img" not in html
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; more" in html
    assert "javascript:" not in html
    text = msg.get_body(("plain",)).get_content()
    assert "<b>bold</b> & more" in text


def test_build_message_needs_recipients(pdf):
    with pytest.raises(ValueError, match="recipient"):
        build_message(sample_data(), pdf, SENDER, [])


def test_write_eml_is_parseable(tmp_path, pdf):
    msg = build_message(sample_data(), pdf, SENDER, RECIPIENTS, message_id="<fixed.1@brightside.example>")
    path = write_eml(msg, tmp_path / "outbox")
    assert path.parent == tmp_path / "outbox"
    assert path.name == "fixed.1_brightside.example.eml"
    parsed = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert header(parsed, "Message-ID") == "<fixed.1@brightside.example>"
    check_report_message(parsed, pdf)


@pytest.mark.parametrize(
    "env, expected",
    [
        ({"REPSCAN_SMTP_URL": "smtp://mail.local:2525"}, SmtpSettings("mail.local", 2525, "plain")),
        ({"REPSCAN_SMTP_URL": "smtp://localhost"}, SmtpSettings("localhost", 25, "plain")),
        (
            {"REPSCAN_SMTP_URL": "smtp+starttls://me%40agency.example:p%25w%3Ad@smtp.example.com:587"},
            SmtpSettings("smtp.example.com", 587, "starttls", "me@agency.example", "p%w:d"),
        ),
        (
            {"REPSCAN_SMTP_URL": "smtp+starttls://smtp.example.com"},
            SmtpSettings("smtp.example.com", 587, "starttls"),
        ),
        (
            {"REPSCAN_SMTP_URL": "SMTPS://u:pw@smtp.example.com/"},
            SmtpSettings("smtp.example.com", 465, "tls", "u", "pw"),
        ),
        (
            {"REPSCAN_SMTP_URL": "smtps://smtp.example.com:465", "REPSCAN_SMTP_USER": "u@x",
             "REPSCAN_SMTP_PASSWORD": "p:w@"},
            SmtpSettings("smtp.example.com", 465, "tls", "u@x", "p:w@"),
        ),
        ({"REPSCAN_SMTP_URL": "smtp://u:pw@127.0.0.1:25"}, SmtpSettings("127.0.0.1", 25, "plain", "u", "pw")),
    ],
)
def test_settings_from_env(env, expected):
    assert smtp_settings_from_env(env) == expected


@pytest.mark.parametrize(
    "env, message",
    [
        ({}, "REPSCAN_SMTP_URL is not set"),
        ({"REPSCAN_SMTP_URL": "  "}, "REPSCAN_SMTP_URL is not set"),
        ({"REPSCAN_SMTP_URL": "http://u:hunter2@smtp.example.com"}, "REPSCAN_SMTP_URL must start with"),
        ({"REPSCAN_SMTP_URL": "smtp.example.com:587"}, "REPSCAN_SMTP_URL"),
        ({"REPSCAN_SMTP_URL": "smtps://u:hunter2@smtp.example.com:port"}, "REPSCAN_SMTP_URL is malformed"),
        ({"REPSCAN_SMTP_URL": "smtps://u:hunter2@smtp.example.com:99999"}, "REPSCAN_SMTP_URL is malformed"),
        ({"REPSCAN_SMTP_URL": "smtps://"}, "REPSCAN_SMTP_URL names no host"),
        ({"REPSCAN_SMTP_URL": "smtps://u:hunter2@smtp.example.com/x?y=1"}, "nothing after the port"),
        (
            {"REPSCAN_SMTP_URL": "smtps://u:hunter2@smtp.example.com", "REPSCAN_SMTP_USER": "v"},
            "REPSCAN_SMTP_USER",
        ),
        (
            {"REPSCAN_SMTP_URL": "smtps://u:hunter2@smtp.example.com", "REPSCAN_SMTP_PASSWORD": "x"},
            "REPSCAN_SMTP_PASSWORD",
        ),
        ({"REPSCAN_SMTP_URL": "smtps://u@smtp.example.com"}, "REPSCAN_SMTP_PASSWORD"),
        ({"REPSCAN_SMTP_URL": "smtps://smtp.example.com", "REPSCAN_SMTP_PASSWORD": "hunter2"}, "REPSCAN_SMTP_USER"),
        ({"REPSCAN_SMTP_URL": "smtp://u:hunter2@smtp.example.com"}, "unencrypted"),
    ],
)
def test_settings_errors_name_the_variable_and_hide_the_password(env, message):
    with pytest.raises(MailConfigError, match=message) as error:
        smtp_settings_from_env(env)
    assert isinstance(error.value, ValueError)
    assert "hunter2" not in str(error.value)


def test_settings_repr_hides_the_password():
    settings = SmtpSettings("smtp.example.com", 465, "tls", "u", "hunter2")
    assert "hunter2" not in repr(settings)
    assert dataclasses.replace(settings, password="x").password == "x"


def test_a_message_the_server_accepted_is_sent_even_when_quit_fails(pdf):
    """A server that accepts the DATA, then answers QUIT with 421: the send succeeded (a rerun would send twice)."""
    from aiosmtpd.smtp import SMTP as SMTPServer

    class QuitRefused(SMTPServer):
        async def smtp_QUIT(self, arg):  # noqa: N802 (aiosmtpd's hook name)
            await self.push("421 4.3.2 service shutting down")
            self.transport.close()

    class Server(Controller):
        def factory(self):
            return QuitRefused(self.handler, **self.SMTP_kwargs)

    store = Store()
    controller = Server(store, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        msg = build_message(sample_data(), pdf, SENDER, RECIPIENTS)
        settings = smtp_settings_from_env({"REPSCAN_SMTP_URL": f"smtp://127.0.0.1:{controller.port}"})
        assert send_message(msg, settings) == msg["Message-ID"]
    finally:
        controller.stop()
    assert len(store.envelopes) == 1
