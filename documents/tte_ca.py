"""A throw-away certificate authority for the demo, the tests and the fake BSrE server.

``TestCa.create(dir)`` makes a root certificate (``root.pem``) and issues PKCS#12 signing
certificates from it (``issue``): nothing here is ever committed, each run makes its own
keys in its own temporary directory. A real office uses the certificates BSrE (or its own
CA) issued; this module is only what lets the demo and the tests sign for real.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

ROOT_NAME = "LKJ-BOT UJI Root CA (bukan untuk produksi)"


def _name(common: str, unit: str = "") -> x509.Name:
    parts = [x509.NameAttribute(NameOID.COUNTRY_NAME, "ID")]
    if unit:
        parts.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit))
    parts.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, "lkj-bot uji"))
    parts.append(x509.NameAttribute(NameOID.COMMON_NAME, common))
    return x509.Name(parts)


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class TestCa:
    """The root's key and certificate, and the directory its files are written to."""

    __test__ = False  # not a pytest class

    directory: Path
    key: rsa.RSAPrivateKey
    cert: x509.Certificate

    @property
    def root_pem(self) -> Path:
        return self.directory / "root.pem"

    @classmethod
    def create(cls, directory: Path) -> TestCa:
        directory.mkdir(parents=True, exist_ok=True)
        key = _key()
        now = datetime.now(UTC)
        name = _name(ROOT_NAME)
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False
            )
            .sign(key, hashes.SHA256())
        )
        ca = cls(directory, key, cert)
        ca.root_pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        return ca

    def issue_cert(
        self,
        common_name: str,
        *,
        unit: str = "",
        valid_from: datetime | None = None,
        valid_until: datetime | None = None,
        timestamping: bool = False,
    ) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
        key = _key()
        now = datetime.now(UTC)
        builder = (
            x509.CertificateBuilder()
            .subject_name(_name(common_name, unit))
            .issuer_name(self.cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(valid_from or now - timedelta(days=1))
            .not_valid_after(valid_until or now + timedelta(days=730))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=not timestamping,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=False,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()),
                critical=False,
            )
        )
        if timestamping:
            builder = builder.add_extension(
                x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
            )
        return key, builder.sign(self.key, hashes.SHA256())

    def issue(
        self,
        path: Path,
        common_name: str,
        passphrase: str,
        *,
        unit: str = "",
        valid_from: datetime | None = None,
        valid_until: datetime | None = None,
    ) -> Path:
        """A PKCS#12 file at ``path`` (key, certificate and the root) for ``common_name``."""
        key, cert = self.issue_cert(
            common_name, unit=unit, valid_from=valid_from, valid_until=valid_until
        )
        encryption = (
            serialization.BestAvailableEncryption(passphrase.encode())
            if passphrase
            else serialization.NoEncryption()
        )
        data = pkcs12.serialize_key_and_certificates(
            common_name.encode(), key, cert, [self.cert], encryption
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        path.chmod(0o600)
        return path


def provision_local(
    directory: Path,
    officials: list[tuple[str, str]],
    passphrase: str,
    seals: list[str] | None = None,
) -> TestCa:
    """A test CA in ``directory`` and, under ``directory/p12``, ``<NIP>.p12`` for each
    (name, NIP) and ``segel-<UNIT>.p12`` for each unit in ``seals``: what LKJ_TTE_MODE=local
    reads (LKJ_TTE_P12_DIR, LKJ_TTE_ROOTS=root.pem)."""
    ca = TestCa.create(directory)
    for name, nip in officials:
        digits = "".join(c for c in nip if c.isdigit())
        if digits:
            ca.issue(directory / "p12" / f"{digits}.p12", name, passphrase)
    for unit in seals or []:
        ca.issue(directory / "p12" / f"segel-{unit}.p12", f"Segel {unit}", passphrase, unit=unit)
    return ca
