"""SM2 signatures with SM3 (GB/T 32918, GB/T 35276) through OpenSSL 3's libcrypto.

No maintained Python binding exposes OpenSSL's SM2 with its distinguishing ID
(``cryptography`` has no SM2 curve, pyOpenSSL dropped signing; decision 0012), so this
module is a small ``ctypes`` binding to the EVP interface: ``EVP_DigestSign`` /
``EVP_DigestVerify`` with ``EVP_sm3()`` and ``EVP_PKEY_CTX_set1_id`` for the signer's ID.
OpenSSL does all the arithmetic (constant time) and all the parsing: keys are read and
written as PEM by OpenSSL, and a signature is handed to OpenSSL as it came, which refuses
any DER that is not the minimal encoding. Nothing here computes on a key.

The signer's ID is the GB/T 35276 default ``1234567812345678``; ``openssl pkeyutl`` must be
given it with ``-pkeyopt distid:1234567812345678`` (OpenSSL 3 otherwise uses an empty ID).
Tests check both directions against the ``openssl`` command line.
"""

import ctypes
import ctypes.util
import hashlib
from functools import cache
from typing import Any

DEFAULT_ID = b"1234567812345678"
_BIO_CTRL_INFO = 3  # BIO_get_mem_data
_MAX_SIGNATURE = 80  # SEQUENCE of two INTEGERs of at most 33 bytes: 72


class InvalidKey(ValueError):
    pass


class OpenSSLError(RuntimeError):
    pass


@cache
def _lib() -> Any:
    name = ctypes.util.find_library("crypto") or "libcrypto.so.3"
    lib = ctypes.CDLL(name)
    p, i, sz = ctypes.c_void_p, ctypes.c_int, ctypes.c_size_t
    signatures: dict[str, tuple[Any, list[Any]]] = {
        "OpenSSL_version_num": (ctypes.c_ulong, []),
        "ERR_get_error": (ctypes.c_ulong, []),
        "ERR_clear_error": (None, []),
        "ERR_error_string_n": (None, [ctypes.c_ulong, ctypes.c_char_p, sz]),
        "BIO_new_mem_buf": (p, [ctypes.c_char_p, i]),
        "BIO_s_mem": (p, []),
        "BIO_new": (p, [p]),
        "BIO_ctrl": (ctypes.c_long, [p, i, ctypes.c_long, p]),
        "BIO_free": (i, [p]),
        "PEM_read_bio_PrivateKey": (p, [p, p, p, p]),
        "PEM_read_bio_PUBKEY": (p, [p, p, p, p]),
        "PEM_write_bio_PrivateKey": (i, [p, p, p, p, i, p, p]),
        "PEM_write_bio_PUBKEY": (i, [p, p]),
        "EVP_PKEY_free": (None, [p]),
        "EVP_PKEY_is_a": (i, [p, ctypes.c_char_p]),
        "EVP_PKEY_CTX_new_from_name": (p, [p, ctypes.c_char_p, p]),
        "EVP_PKEY_CTX_new": (p, [p, p]),
        "EVP_PKEY_CTX_free": (None, [p]),
        "EVP_PKEY_keygen_init": (i, [p]),
        "EVP_PKEY_generate": (i, [p, ctypes.POINTER(p)]),
        "EVP_PKEY_CTX_set1_id": (i, [p, ctypes.c_char_p, i]),
        "EVP_MD_CTX_new": (p, []),
        "EVP_MD_CTX_free": (None, [p]),
        "EVP_MD_CTX_set_pkey_ctx": (None, [p, p]),
        "EVP_sm3": (p, []),
        "EVP_DigestSignInit": (i, [p, p, p, p, p]),
        "EVP_DigestSign": (i, [p, ctypes.c_char_p, ctypes.POINTER(sz), ctypes.c_char_p, sz]),
        "EVP_DigestVerifyInit": (i, [p, p, p, p, p]),
        "EVP_DigestVerify": (i, [p, ctypes.c_char_p, sz, ctypes.c_char_p, sz]),
    }
    for function, (restype, argtypes) in signatures.items():
        getattr(lib, function).restype = restype
        getattr(lib, function).argtypes = argtypes
    if lib.OpenSSL_version_num() < 0x30000000:
        raise OpenSSLError("SM2 needs OpenSSL 3")
    return lib


def _error(what: str) -> OpenSSLError:
    lib = _lib()
    code = lib.ERR_get_error()
    buffer = ctypes.create_string_buffer(256)
    if code:
        lib.ERR_error_string_n(code, buffer, len(buffer))
    lib.ERR_clear_error()
    return OpenSSLError(f"{what}: {buffer.value.decode(errors='replace') or 'failed'}")


def _bio_text(bio: int) -> str:
    pointer = ctypes.c_void_p()
    length = _lib().BIO_ctrl(bio, _BIO_CTRL_INFO, 0, ctypes.byref(pointer))
    return ctypes.string_at(pointer, length).decode()


def _read_pem(pem: str, reader: str) -> int:
    lib = _lib()
    data = pem.encode()
    bio = lib.BIO_new_mem_buf(data, len(data))
    try:
        key = getattr(lib, reader)(bio, None, None, None)
    finally:
        lib.BIO_free(bio)
    if not key:
        lib.ERR_clear_error()
        raise InvalidKey("not a key OpenSSL can read")
    if lib.EVP_PKEY_is_a(key, b"SM2") != 1:
        lib.EVP_PKEY_free(key)
        raise InvalidKey("not an SM2 key")
    return int(key)


class _Key:
    """An ``EVP_PKEY`` owned by this object (freed with it)."""

    def __init__(self, pointer: int) -> None:
        self._pointer = pointer

    def __del__(self) -> None:
        pointer, self._pointer = getattr(self, "_pointer", 0), 0
        if pointer:
            _lib().EVP_PKEY_free(pointer)

    def _digest(self, init: str, run: Any) -> Any:
        """Set up an SM3 digest-sign or -verify context with the signer's ID and run it."""
        lib = _lib()
        md_ctx = lib.EVP_MD_CTX_new()
        pkey_ctx = lib.EVP_PKEY_CTX_new(self._pointer, None)
        try:
            if not md_ctx or not pkey_ctx:
                raise _error("context")
            if lib.EVP_PKEY_CTX_set1_id(pkey_ctx, DEFAULT_ID, len(DEFAULT_ID)) != 1:
                raise _error("distinguishing ID")
            lib.EVP_MD_CTX_set_pkey_ctx(md_ctx, pkey_ctx)
            if getattr(lib, init)(md_ctx, None, lib.EVP_sm3(), None, self._pointer) != 1:
                raise _error(init)
            return run(lib, md_ctx)
        finally:
            lib.EVP_MD_CTX_free(md_ctx)
            lib.EVP_PKEY_CTX_free(pkey_ctx)


class PublicKey(_Key):
    @classmethod
    def from_pem(cls, pem: str) -> "PublicKey":
        return cls(_read_pem(pem, "PEM_read_bio_PUBKEY"))

    def to_pem(self) -> str:
        lib = _lib()
        bio = lib.BIO_new(lib.BIO_s_mem())
        try:
            if lib.PEM_write_bio_PUBKEY(bio, self._pointer) != 1:
                raise _error("public key")
            return _bio_text(bio)
        finally:
            lib.BIO_free(bio)

    def verify(self, message: bytes, signature: bytes) -> bool:
        """True only for a valid signature in minimal DER (OpenSSL refuses any other)."""

        def run(lib: Any, md_ctx: int) -> bool:
            result = lib.EVP_DigestVerify(md_ctx, signature, len(signature), message, len(message))
            if result != 1:
                lib.ERR_clear_error()
            return bool(result == 1)

        return bool(self._digest("EVP_DigestVerifyInit", run))


class PrivateKey(_Key):
    @classmethod
    def generate(cls) -> "PrivateKey":
        lib = _lib()
        ctx = lib.EVP_PKEY_CTX_new_from_name(None, b"SM2", None)
        key = ctypes.c_void_p()
        try:
            if not ctx or lib.EVP_PKEY_keygen_init(ctx) != 1 or lib.EVP_PKEY_generate(ctx, ctypes.byref(key)) != 1:
                raise _error("key generation")
        finally:
            lib.EVP_PKEY_CTX_free(ctx)
        return cls(int(key.value or 0))

    @classmethod
    def from_pem(cls, pem: str) -> "PrivateKey":
        return cls(_read_pem(pem, "PEM_read_bio_PrivateKey"))

    def to_pem(self) -> str:
        """PKCS #8, unencrypted (the key store keeps the file at mode 0600)."""
        lib = _lib()
        bio = lib.BIO_new(lib.BIO_s_mem())
        try:
            if lib.PEM_write_bio_PrivateKey(bio, self._pointer, None, None, 0, None, None) != 1:
                raise _error("private key")
            return _bio_text(bio)
        finally:
            lib.BIO_free(bio)

    @property
    def public(self) -> PublicKey:
        lib = _lib()
        bio = lib.BIO_new(lib.BIO_s_mem())
        try:
            if lib.PEM_write_bio_PUBKEY(bio, self._pointer) != 1:
                raise _error("public key")
            return PublicKey.from_pem(_bio_text(bio))
        finally:
            lib.BIO_free(bio)

    def sign(self, message: bytes) -> bytes:
        """DER signature of SM3(Z || message) (GB/T 32918.2 §6.1), by OpenSSL."""

        def run(lib: Any, md_ctx: int) -> bytes:
            out = ctypes.create_string_buffer(_MAX_SIGNATURE)
            size = ctypes.c_size_t(_MAX_SIGNATURE)
            if lib.EVP_DigestSign(md_ctx, out, ctypes.byref(size), message, len(message)) != 1:
                raise _error("signature")
            return out.raw[: size.value]

        return bytes(self._digest("EVP_DigestSignInit", run))


def sm3(data: bytes) -> bytes:
    return hashlib.new("sm3", data).digest()
