"""Issue 19 §2: what got through the old byte scan, built here as an attacker would."""

import shutil
import subprocess

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from dgov.documents import checks
from dgov.documents.checks import PDF_REASONS, pdf_problem, raw_pdf_problem, validate_upload
from dgov.documents.tests import files

HOSTILE = files.hostile_pdfs()


def refusal(name, content):
    with pytest.raises(ValidationError) as caught:
        validate_upload(SimpleUploadedFile(name, content))
    return caught.value.messages


def reason(code, name="a.pdf"):
    return [str(PDF_REASONS[code]) % {"name": name}]


def polyglot(name, kind):
    return [
        f"{name} is not a plain {kind} file: it carries other content as well, such as a web page. "
        f"Save it again as {kind} and upload it once more."
    ]


# -- PDF: every object, as qpdf reads it ------------------------------------------------


@pytest.mark.parametrize("case", list(HOSTILE))
def test_the_parser_refuses_each_active_feature_and_names_it(case):
    content, why = HOSTILE[case]

    assert pdf_problem(content) == why
    assert refusal("a.pdf", content) == reason(why)


def hex_object_stream_with_javascript_in_the_name_tree():
    """The finding: JavaScript in the Names/JavaScript tree of a catalog that sits in an
    ASCIIHex object stream, whose dictionary holds 70 KB between /Type /ObjStm and
    ``stream`` (the old scan looked 64 KB back)."""
    return files.pdf_with_object_stream(
        b"/Names << /JavaScript << /Names [(x) << /S /JavaScript /JS (app.alert\\(1\\)) >>] >> >> ",
        dictionary=b"/Type /ObjStm /Padding (" + b"x" * 70_000 + b")",
        hex_encoded=True,
    )


def test_javascript_in_a_name_tree_in_an_ascii_hex_object_stream_is_found_by_the_parser_alone(tmp_path):
    content = hex_object_stream_with_javascript_in_the_name_tree()
    declared = content.index(b"/Type /ObjStm")
    assert content.index(b"stream\n", declared) - declared > 64 * 1024
    assert b"JavaScript" not in content and raw_pdf_problem(content) is None  # invisible to a byte scan
    if shutil.which("pdfinfo"):  # and yet a reader runs it: poppler lists the script
        (tmp_path / "a.pdf").write_bytes(content)
        listed = subprocess.run(["pdfinfo", "-js", tmp_path / "a.pdf"], capture_output=True, text=True, check=False)
        assert "app.alert(1)" in listed.stdout

    assert pdf_problem(content) == "javascript"
    assert refusal("a.pdf", content) == reason("javascript")


def test_a_harmless_ascii_hex_object_stream_is_read_not_refused():
    content = files.pdf_with_object_stream(b"/Lang (zh-CN) ", hex_encoded=True)

    assert validate_upload(SimpleUploadedFile("a.pdf", content)) == "application/pdf"


@pytest.mark.parametrize(
    "content",
    [
        files.written_pdf(),
        files.written_pdf(object_streams=False),
        files.pdf_with_a_link(),
        files.incremental_update(files.pdf()),
        files.pdf() + b"\r\n\x00\x00\n",
    ],
    ids=["written by qpdf", "without object streams", "a link to click", "an incremental update", "padding after EOF"],
)
def test_ordinary_pdfs_are_accepted(content):
    assert validate_upload(SimpleUploadedFile("a.pdf", content)) == "application/pdf"


def test_an_incremental_update_that_adds_an_action_on_open_is_refused():
    content = files.incremental_update(files.pdf(), b"/OpenAction << /S /URI /URI (https://evil.example/) >> ")

    assert refusal("a.pdf", content) == reason("uri")


def test_a_pdf_built_to_exhaust_the_parser_is_refused_without_reading_it_all():
    content = files.pdf_with_many_objects(checks.MAX_PDF_OBJECTS + 1)

    assert refusal("a.pdf", content) == [
        "a.pdf could not be checked. Save it again as a plain PDF and upload it once more."
    ]


def test_the_parser_runs_in_a_child_that_may_not_take_more_than_its_memory(monkeypatch):
    content = files.pdf_with_inflating_object_stream(200)  # qpdf inflates it whole: 200 MB
    monkeypatch.setattr(checks, "PDF_CHECK_MEMORY", 20 * checks.MB)

    assert pdf_problem(content) == "uncheckable"  # the child ran out; this process did not notice


def test_a_parser_that_takes_too_long_is_stopped(monkeypatch):
    monkeypatch.setattr(checks, "PDF_CHECK_SECONDS", 0)  # no processor time at all

    assert pdf_problem(files.pdf_with_many_objects(100_000)) == "uncheckable"
    monkeypatch.undo()
    assert pdf_problem(files.pdf()) is None


def test_a_password_protected_pdf_cannot_be_checked():
    assert pdf_problem(files.password_protected_pdf()) == "uncheckable"


# -- Polyglots: one type from start to end -----------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("a.pdf", files.pdf() + files.HTML, "PDF"),
        ("a.pdf", files.pdf(b"", extra_objects=[b"% " + files.HTML.strip() + b"\n<< >>"]), "PDF"),
        ("a.pdf", b"%PDF-1.7\n" + files.HTML + b"%%EOF\n", "PDF"),
        ("a.jpg", files.jpeg() + files.HTML, "JPEG"),
        ("a.jpg", files.jpeg_with_comment(files.HTML), "JPEG"),
        ("a.png", files.png() + files.HTML, "PNG"),
        ("a.png", files.png_with_text(b"Comment", files.HTML), "PNG"),
        ("a.ofd", files.ofd() + files.HTML, "OFD"),
        ("a.ofd", files.ofd_with_comment(files.HTML), "OFD"),
        ("a.ofd", files.ofd_with_a_gap(files.HTML), "OFD"),
    ],
    ids=[
        "PDF then HTML",
        "HTML between PDF objects",
        "%PDF- then HTML only",
        "JPEG then HTML",
        "HTML in a JPEG comment",
        "PNG then HTML",
        "HTML in a PNG text chunk",
        "OFD then HTML",
        "HTML in the ZIP comment",
        "HTML between ZIP entries",
    ],
)
def test_a_file_that_is_also_a_web_page_is_refused(name, content, kind):
    assert refusal(name, content) == polyglot(name, kind)


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("photo.jpg", files.phone_photo(), "image/jpeg"),
        ("photo.jpg", files.phone_photo_with_a_second_picture(), "image/jpeg"),
        ("photo.jpg", files.jpeg() + b"\x00" * 64, "image/jpeg"),
        ("scan.png", files.pillow_image("PNG"), "image/png"),
        ("scan.png", files.png_with_text(b"Software", b"Scanner 2.1"), "image/png"),
        ("licence.ofd", files.ofd_with_comment(b"GB/T 33190"), "application/ofd"),
    ],
    ids=["JPEG with EXIF", "multi-picture JPEG", "JPEG padded", "PNG", "PNG with text", "OFD with a comment"],
)
def test_what_phones_scanners_and_writers_really_produce_is_accepted(name, content, content_type):
    assert validate_upload(SimpleUploadedFile(name, content)) == content_type


# -- Images: decoded under a pixel limit -------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [("bomb.png", files.png_bomb(40_000, 40_000)), ("bomb.jpg", files.jpeg_claiming(65_500, 65_500))],
    ids=["PNG 40000x40000", "JPEG claiming 65500x65500"],
)
def test_a_decompression_bomb_is_refused_from_its_header(name, content):
    assert len(content) < 2048
    assert refusal(name, content) == [f"{name} is an image of more than 50 megapixels, which is not accepted."]


def test_an_image_just_under_the_pixel_limit_is_decoded_and_accepted(monkeypatch):
    monkeypatch.setattr(checks, "MAX_IMAGE_PIXELS", 64 * 48)

    assert validate_upload(SimpleUploadedFile("a.png", files.pillow_image("PNG", (64, 48)))) == "image/png"
    assert refusal("b.png", files.pillow_image("PNG", (65, 48))) == [
        "b.png is an image of more than 0 megapixels, which is not accepted."
    ]


def test_an_image_cut_short_or_corrupt_is_refused_as_damaged():
    photo = files.pillow_image("JPEG", (256, 256))
    scan = files.png()
    corrupt = bytearray(scan)
    corrupt[scan.index(b"IDAT") + 6] ^= 0xFF  # a flipped bit: the chunk's CRC no longer matches

    assert refusal("photo.jpg", photo[: len(photo) // 2]) == ["photo.jpg is a damaged JPEG image and cannot be read."]
    assert refusal("scan.png", bytes(corrupt)) == ["scan.png is a damaged PNG image and cannot be read."]


def test_an_image_with_an_undecodable_frame_is_refused_as_damaged():
    photo = bytearray(files.pillow_image("JPEG"))
    frame = photo.index(b"\xff\xc0")
    photo[frame + 9] = 0  # no colour components

    assert refusal("photo.jpg", bytes(photo)) == ["photo.jpg is a damaged JPEG image and cannot be read."]
