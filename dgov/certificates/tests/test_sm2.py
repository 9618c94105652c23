"""The SM2 seal through OpenSSL's implementation, against the OpenSSL command line."""

import subprocess

import pytest

from dgov.certificates import sm2


def openssl(*args, cwd):
    return subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, text=True, check=False)


def verify_with_openssl(tmp_path, public_pem, data, signature):
    (tmp_path / "pub.pem").write_text(public_pem)
    (tmp_path / "data").write_bytes(data)
    (tmp_path / "sig").write_bytes(signature)
    result = openssl(
        "pkeyutl", "-verify", "-pubin", "-inkey", "pub.pem", "-rawin", "-digest", "sm3",
        "-pkeyopt", "distid:1234567812345678", "-in", "data", "-sigfile", "sig", cwd=tmp_path,
    )  # fmt: skip
    return result.returncode == 0 and "Signature Verified Successfully" in result.stdout


def non_minimal(signature: bytes) -> bytes:
    """The same (r, s) with r's INTEGER padded by a redundant leading zero byte."""
    assert signature[0] == 0x30 and signature[2] == 0x02
    r_length = signature[3]
    r = signature[4 : 4 + r_length]
    rest = signature[4 + r_length :]
    padded_r = b"\x02" + bytes([r_length + 1]) + b"\x00" + r
    body = padded_r + rest
    return bytes([0x30, len(body)]) + body


def test_a_signature_made_here_verifies_with_openssl_and_not_for_other_data(tmp_path):
    key = sm2.PrivateKey.generate()
    signature = key.sign(b'{"number":"JY1"}')
    assert verify_with_openssl(tmp_path, key.public.to_pem(), b'{"number":"JY1"}', signature)
    assert not verify_with_openssl(tmp_path, key.public.to_pem(), b'{"number":"JY2"}', signature)
    # Signatures are randomised (a fresh nonce each time, drawn by OpenSSL).
    assert key.sign(b"x") != key.sign(b"x")


def test_a_key_and_signature_made_by_openssl_verify_here(tmp_path):
    assert openssl("genpkey", "-algorithm", "SM2", "-out", "key.pem", cwd=tmp_path).returncode == 0
    openssl("pkey", "-in", "key.pem", "-pubout", "-out", "pub.pem", cwd=tmp_path)
    (tmp_path / "data").write_bytes(b"metadata")
    openssl("pkeyutl", "-sign", "-inkey", "key.pem", "-rawin", "-digest", "sm3",
            "-pkeyopt", "distid:1234567812345678", "-in", "data", "-out", "sig", cwd=tmp_path)  # fmt: skip
    public = sm2.PublicKey.from_pem((tmp_path / "pub.pem").read_text())
    assert public.verify(b"metadata", (tmp_path / "sig").read_bytes())
    # And the private key OpenSSL made signs here, verified by OpenSSL.
    private = sm2.PrivateKey.from_pem((tmp_path / "key.pem").read_text())
    assert verify_with_openssl(tmp_path, (tmp_path / "pub.pem").read_text(), b"more", private.sign(b"more"))


def test_a_non_minimal_der_signature_is_refused_here_as_by_openssl(tmp_path):
    key = sm2.PrivateKey.generate()
    signature = key.sign(b"data")
    padded = non_minimal(signature)
    assert padded != signature
    assert key.public.verify(b"data", signature)
    assert not key.public.verify(b"data", padded)
    assert not verify_with_openssl(tmp_path, key.public.to_pem(), b"data", padded)
    assert not key.public.verify(b"data", signature + b"\x00")
    assert not key.public.verify(b"data", b"")


def test_keys_round_trip_through_pem_and_other_curves_are_refused(tmp_path):
    key = sm2.PrivateKey.generate()
    again = sm2.PrivateKey.from_pem(key.to_pem())
    assert again.public.to_pem() == key.public.to_pem()
    assert sm2.PublicKey.from_pem(key.public.to_pem()).verify(b"m", again.sign(b"m"))
    openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "p256.pem", cwd=tmp_path)
    with pytest.raises(sm2.InvalidKey):
        sm2.PrivateKey.from_pem((tmp_path / "p256.pem").read_text())
    with pytest.raises(sm2.InvalidKey):
        sm2.PublicKey.from_pem("not a key")


def test_the_module_has_no_curve_arithmetic_of_its_own():
    import inspect

    source = inspect.getsource(sm2)
    assert "pow(" not in source and "_multiply" not in source
