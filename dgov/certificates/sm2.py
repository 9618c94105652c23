"""SM2 signatures with SM3 (GB/T 32918, GB/T 35276), as used for the electronic seal.

The curve arithmetic is plain Python integers in Jacobian coordinates, with a fixed-base
table for the generator (signing costs well under a millisecond, where ``gmssl``'s
string-based arithmetic took about 10 ms); SM3 comes from OpenSSL through ``hashlib``,
with ``gmssl``'s pure-Python SM3 where OpenSSL lacks it. The signer's ID is the default
``1234567812345678`` (GB/T 35276 §5.4.3); ``openssl pkeyutl`` must be given it with
``-pkeyopt distid:1234567812345678`` (OpenSSL 3.0 otherwise signs with an empty ID).
Tests check both directions against the ``openssl`` command line.
Signatures travel DER-encoded (``SEQUENCE {r INTEGER, s INTEGER}``), keys as PEM:
public keys as SubjectPublicKeyInfo, private keys as SEC 1 ``EC PRIVATE KEY`` with the
SM2 curve, both readable by ``openssl``.
"""

import base64
import hashlib
import secrets

DEFAULT_ID = b"1234567812345678"
# GB/T 32918.5 curve parameters.
_P = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF
_A = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC
_B = 0x28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93
_N = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123
_GX = 0x32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7
_GY = 0xBC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0
_OID_EC_PUBLIC_KEY = "1.2.840.10045.2.1"
_OID_SM2 = "1.2.156.10197.1.301"


class InvalidKey(ValueError):
    pass


# DER, just enough for keys and signatures -------------------------------------------


def _length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw


def _tlv(tag: int, value: bytes) -> bytes:
    return bytes([tag]) + _length(len(value)) + value


def _oid(dotted: str) -> bytes:
    parts = [int(p) for p in dotted.split(".")]
    body = bytearray([40 * parts[0] + parts[1]])
    for part in parts[2:]:
        chunk = [part & 0x7F]
        part >>= 7
        while part:
            chunk.append(0x80 | (part & 0x7F))
            part >>= 7
        body.extend(reversed(chunk))
    return _tlv(0x06, bytes(body))


def _integer(value: int) -> bytes:
    raw = value.to_bytes(value.bit_length() // 8 + 1, "big")
    return _tlv(0x02, raw)


def _read(data: bytes, pos: int = 0) -> tuple[int, bytes, int]:
    """(tag, value, next position) of the TLV at ``pos``."""
    if pos + 2 > len(data):
        raise ValueError("truncated DER")
    tag, first = data[pos], data[pos + 1]
    pos += 2
    if first & 0x80:
        count = first & 0x7F
        if count == 0 or count > 4 or pos + count > len(data):
            raise ValueError("bad DER length")
        size = int.from_bytes(data[pos : pos + count], "big")
        pos += count
    else:
        size = first
    if pos + size > len(data):
        raise ValueError("truncated DER")
    return tag, data[pos : pos + size], pos + size


def _children(value: bytes) -> list[tuple[int, bytes]]:
    out, pos = [], 0
    while pos < len(value):
        tag, inner, pos = _read(value, pos)
        out.append((tag, inner))
    return out


def encode_signature(r: int, s: int) -> bytes:
    return _tlv(0x30, _integer(r) + _integer(s))


def decode_signature(der: bytes) -> tuple[int, int]:
    tag, value, end = _read(der)
    if tag != 0x30 or end != len(der):
        raise ValueError("not a DER signature")
    items = _children(value)
    if len(items) != 2 or any(t != 0x02 for t, _v in items):
        raise ValueError("not a DER signature")
    return int.from_bytes(items[0][1], "big"), int.from_bytes(items[1][1], "big")


def _pem(label: str, der: bytes) -> str:
    body = base64.encodebytes(der).decode().replace("\n", "")
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return f"-----BEGIN {label}-----\n" + "\n".join(lines) + f"\n-----END {label}-----\n"


def _unpem(pem: str, label: str) -> bytes:
    begin, end = f"-----BEGIN {label}-----", f"-----END {label}-----"
    if begin not in pem or end not in pem:
        raise InvalidKey(f"not a {label} PEM")
    body = pem.split(begin, 1)[1].split(end, 1)[0]
    return base64.b64decode("".join(body.split()))


# SM3 and the curve ------------------------------------------------------------------------


def sm3(data: bytes) -> bytes:
    try:
        return hashlib.new("sm3", data).digest()
    except ValueError:  # an OpenSSL without SM3
        from gmssl import sm3 as _sm3

        return bytes.fromhex(_sm3.sm3_hash(list(data)))


_Jacobian = tuple[int, int, int]
_INFINITY: _Jacobian = (1, 1, 0)


def _double(point: _Jacobian) -> _Jacobian:
    x, y, z = point
    if z == 0 or y == 0:
        return _INFINITY
    yy = y * y % _P
    s = 4 * x * yy % _P
    zz = z * z % _P
    m = (3 * x * x + _A * zz * zz) % _P
    x3 = (m * m - 2 * s) % _P
    return x3, (m * (s - x3) - 8 * yy * yy) % _P, 2 * y * z % _P


def _add(p: _Jacobian, q: _Jacobian) -> _Jacobian:
    if p[2] == 0:
        return q
    if q[2] == 0:
        return p
    x1, y1, z1 = p
    x2, y2, z2 = q
    z1z1, z2z2 = z1 * z1 % _P, z2 * z2 % _P
    u1, u2 = x1 * z2z2 % _P, x2 * z1z1 % _P
    s1, s2 = y1 * z2 * z2z2 % _P, y2 * z1 * z1z1 % _P
    h, r = (u2 - u1) % _P, (s2 - s1) % _P
    if h == 0:
        return _double(p) if r == 0 else _INFINITY
    hh = h * h % _P
    hhh = h * hh % _P
    v = u1 * hh % _P
    x3 = (r * r - hhh - 2 * v) % _P
    return x3, (r * (v - x3) - s1 * hhh) % _P, h * z1 * z2 % _P


def _affine(point: _Jacobian) -> tuple[int, int] | None:
    x, y, z = point
    if z == 0:
        return None
    zinv = pow(z, -1, _P)
    zz = zinv * zinv % _P
    return x * zz % _P, y * zz * zinv % _P


def _multiply(k: int, point: _Jacobian) -> _Jacobian:
    result = _INFINITY
    for bit in bin(k)[2:]:
        result = _double(result)
        if bit == "1":
            result = _add(result, point)
    return result


def _generator_table() -> list[list[_Jacobian]]:
    """table[i][j] = j * 16**i * G, for fixed-base multiplication by 4-bit windows."""
    table, base = [], (_GX, _GY, 1)
    for _i in range(64):
        row = [_INFINITY]
        for _j in range(15):
            row.append(_add(row[-1], base))
        table.append(row)
        for _k in range(4):
            base = _double(base)
    return table


_G_TABLE = _generator_table()


def _multiply_g(k: int) -> _Jacobian:
    result = _INFINITY
    for i in range(64):
        window = (k >> (4 * i)) & 0xF
        if window:
            result = _add(result, _G_TABLE[i][window])
    return result


def _on_curve(x: int, y: int) -> bool:
    return 0 <= x < _P and 0 <= y < _P and (y * y - x * x * x - _A * x - _B) % _P == 0


def _z_value(xy: bytes, user_id: bytes = DEFAULT_ID) -> bytes:
    """Z = SM3(ENTL || ID || a || b || xG || yG || xA || yA) (GB/T 32918.2 §5.5)."""
    parts = [(len(user_id) * 8).to_bytes(2, "big"), user_id]
    parts += [v.to_bytes(32, "big") for v in (_A, _B, _GX, _GY)]
    return sm3(b"".join(parts) + xy)


# Keys -----------------------------------------------------------------------------------


class PrivateKey:
    def __init__(self, d: int) -> None:
        if not 1 <= d < _N - 1:
            raise InvalidKey("private key out of range")
        self.d = d
        x, y = _affine(_multiply_g(d))  # type: ignore[misc]
        self.public = PublicKey(x.to_bytes(32, "big") + y.to_bytes(32, "big"))

    @classmethod
    def generate(cls) -> "PrivateKey":
        return cls(secrets.randbelow(_N - 2) + 1)

    def to_pem(self) -> str:
        body = (
            _integer(1)
            + _tlv(0x04, self.d.to_bytes(32, "big"))
            + _tlv(0xA0, _oid(_OID_SM2))
            + _tlv(0xA1, _tlv(0x03, b"\x00\x04" + self.public.xy))
        )
        return _pem("EC PRIVATE KEY", _tlv(0x30, body))

    @classmethod
    def from_pem(cls, pem: str) -> "PrivateKey":
        try:
            _tag, value, _end = _read(_unpem(pem, "EC PRIVATE KEY"))
            items = _children(value)
            return cls(int.from_bytes(items[1][1], "big"))
        except (ValueError, IndexError) as error:
            raise InvalidKey(str(error)) from error

    def sign(self, message: bytes) -> bytes:
        """DER signature of SM3(Z || message) (GB/T 32918.2 §6.1)."""
        e = int.from_bytes(sm3(self.public.z + message), "big")
        while True:
            k = secrets.randbelow(_N - 1) + 1
            x1, _y1 = _affine(_multiply_g(k))  # type: ignore[misc]
            r = (e + x1) % _N
            if r == 0 or r + k == _N:
                continue
            s = pow(1 + self.d, -1, _N) * (k - r * self.d) % _N
            if s != 0:
                return encode_signature(r, s)


class PublicKey:
    def __init__(self, xy: bytes) -> None:
        if len(xy) != 64 or not _on_curve(int.from_bytes(xy[:32], "big"), int.from_bytes(xy[32:], "big")):
            raise InvalidKey("not a point of the SM2 curve")
        self.xy = xy
        self.z = _z_value(xy)

    def to_pem(self) -> str:
        algorithm = _tlv(0x30, _oid(_OID_EC_PUBLIC_KEY) + _oid(_OID_SM2))
        return _pem("PUBLIC KEY", _tlv(0x30, algorithm + _tlv(0x03, b"\x00\x04" + self.xy)))

    @classmethod
    def from_pem(cls, pem: str) -> "PublicKey":
        try:
            _tag, value, _end = _read(_unpem(pem, "PUBLIC KEY"))
            (alg_tag, algorithm), (bits_tag, bits) = _children(value)
            if alg_tag != 0x30 or bits_tag != 0x03 or _oid(_OID_SM2) not in algorithm:
                raise InvalidKey("not an SM2 public key")
            if bits[:2] != b"\x00\x04":
                raise InvalidKey("only uncompressed points are supported")
            return cls(bits[2:])
        except ValueError as error:
            raise InvalidKey(str(error)) from error

    def verify(self, message: bytes, signature: bytes) -> bool:
        try:
            r, s = decode_signature(signature)
        except ValueError:
            return False
        if not (1 <= r < _N and 1 <= s < _N):
            return False
        t = (r + s) % _N
        if t == 0:
            return False
        e = int.from_bytes(sm3(self.z + message), "big")
        point = (int.from_bytes(self.xy[:32], "big"), int.from_bytes(self.xy[32:], "big"), 1)
        sum_point = _affine(_add(_multiply_g(s), _multiply(t, point)))
        return sum_point is not None and (e + sum_point[0]) % _N == r
