import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from dgov.documents import checks
from dgov.documents.checks import clean_name, validate_upload
from dgov.documents.tests import files


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def refusal(name, content):
    with pytest.raises(ValidationError) as caught:
        validate_upload(upload(name, content))
    return caught.value.messages


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("licence.pdf", files.pdf(), "application/pdf"),
        ("compressed.pdf", files.pdf_with_object_stream(), "application/pdf"),
        ("photo.png", files.png(), "image/png"),
        ("photo.jpg", files.jpeg(), "image/jpeg"),
        ("licence.ofd", files.ofd(), "application/ofd"),
    ],
)
def test_it_accepts_real_files_and_names_their_type_from_the_content(name, content, content_type):
    assert validate_upload(upload(name, content)) == content_type


def test_the_type_comes_from_the_content_not_the_name():
    assert validate_upload(upload("scan.txt", files.png())) == "image/png"


@pytest.mark.parametrize("content", [files.windows_executable(), b"just some text\n", b""])
def test_it_refuses_a_renamed_executable_or_text_file_called_x_pdf(content):
    assert refusal("x.pdf", content) == ["x.pdf is not a PDF, JPEG, PNG or OFD file."]


@pytest.mark.parametrize("action", [b"/JavaScript", b"/J#61vaScript", b"/#4A#61#76#61Script"])
def test_it_refuses_a_pdf_with_javascript_however_the_name_is_spelt(action):
    assert refusal("form.pdf", files.pdf_with_javascript(action)) == [
        "form.pdf contains JavaScript, which is not accepted."
    ]


@pytest.mark.parametrize(
    "catalog_extra",
    [
        b"/Names << /EmbeddedFiles 6 0 R >> ",
        b"/OpenAction << /S /Launch /F (calc.exe) >> ",
        b"/AA << /O << /S /RichMedia >> >> ",
        b"/OpenAction << /S/JS(x) >> ",
    ],
)
def test_it_refuses_a_pdf_with_embedded_files_or_other_active_content(catalog_extra):
    assert refusal("a.pdf", files.pdf(catalog_extra))


def test_it_accepts_an_image_whose_bytes_happen_to_spell_short_forbidden_names():
    # Compressed image data is random bytes: "/JS(" and "/XFA " turn up by chance.
    noise = b"\x8f\x01/JS(\x93\xfe/XFA \x02" * 3 + bytes(range(256)) * 40
    image = files._stream(b"/Type /XObject /Subtype /Image /Width 10 /Height 10 /Filter /DCTDecode", noise)

    assert validate_upload(upload("photo.pdf", files.pdf(b"", extra_objects=[image]))) == "application/pdf"


def test_it_refuses_an_xfa_form():
    assert refusal("form.pdf", files.pdf(b"/AcroForm << /Fields [] /XFA 6 0 R >> "))


def test_a_javascript_action_hidden_in_a_stream_body_is_still_found_by_its_type():
    hidden = files._stream(b"", b"7 0 obj << /S /JavaScript /JS (app.alert\\(1\\)) >> endobj")

    assert refusal("a.pdf", files.pdf(b"/OpenAction 7 0 R ", extra_objects=[hidden]))


def test_it_does_not_mistake_names_that_only_begin_like_forbidden_ones():
    assert validate_upload(upload("a.pdf", files.pdf(b"/JSON 1 /Launcher 2 /EmbeddedFileX 3 "))) == "application/pdf"


def test_it_refuses_an_embedded_file_hidden_in_a_compressed_object_stream():
    content = files.pdf_with_object_stream(b"/Names << /EmbeddedFiles << /Names [(a.exe) 9 0 R] >> >> ")
    assert b"EmbeddedFiles" not in content  # only the decompressed stream shows it

    assert refusal("a.pdf", content) == ["a.pdf carries embedded files, which are not accepted."]


@pytest.mark.parametrize("dictionary", [b"/Type /Obj#53tm", b"/Type /ObjStm /X (endobj)", b""])
def test_it_reads_an_object_stream_whose_dictionary_hides_its_type(dictionary):
    content = files.pdf_with_object_stream(b"/OpenAction << /S /JavaScript /JS (1) >> ", dictionary=dictionary)

    assert refusal("a.pdf", content) == ["a.pdf contains JavaScript, which is not accepted."]


def test_a_pdf_with_more_objects_than_any_document_has_is_refused_as_uncheckable(monkeypatch):
    monkeypatch.setattr(checks, "MAX_PDF_OBJECTS", 3)

    assert refusal("big.pdf", files.pdf_with_object_stream()) == [
        "big.pdf could not be checked. Save it again as a plain PDF and upload it once more."
    ]


def test_it_accepts_an_ofd_and_refuses_a_plain_zip():
    assert validate_upload(upload("licence.ofd", files.ofd())) == "application/ofd"
    assert refusal("archive.ofd", files.plain_zip()) == ["archive.ofd is not a PDF, JPEG, PNG or OFD file."]


def test_it_refuses_a_broken_zip():
    assert refusal("broken.ofd", files.ofd()[:40]) == ["broken.ofd is not a PDF, JPEG, PNG or OFD file."]


def test_it_refuses_an_ofd_with_more_than_ten_thousand_entries():
    assert refusal("bomb.ofd", files.zip_with_many_entries(10_000)) == [
        "bomb.ofd unpacks to more than 200 MB or 10,000 parts, which is not accepted."
    ]


def test_it_refuses_an_ofd_that_declares_more_than_it_may_unpack(monkeypatch):
    monkeypatch.setattr(checks, "MAX_OFD_UNPACKED", 100)

    assert refusal("bomb.ofd", files.ofd()) == [
        "bomb.ofd unpacks to more than 200 MB or 10,000 parts, which is not accepted."
    ]


def test_it_refuses_a_file_over_20_mb():
    content = files.pdf() + b"%" + b"0" * (21 * files.MB)

    assert refusal("scan.pdf", content) == ["scan.pdf is larger than 20 MB."]


def test_a_file_of_exactly_20_mb_is_accepted():
    content = files.pdf_of_size(20 * files.MB)

    assert validate_upload(upload("scan.pdf", content)) == "application/pdf"


def test_the_size_limit_is_the_setting_shared_with_the_request_guard(settings):
    settings.UPLOAD_MAX_MB = 1

    assert refusal("scan.pdf", files.pdf() + b"\n" * files.MB) == ["scan.pdf is larger than 1 MB."]


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("C:\\Users\\li\\营业执照.pdf", "营业执照.pdf"),
        ("../../etc/passwd", "passwd"),
        ("invoice\u202efdp.exe", "invoicefdp.exe"),
        ("a\r\nX-Evil: 1.pdf", "aX-Evil: 1.pdf"),
        (".hidden.pdf", "hidden.pdf"),
        ("", "document"),
        ("x" * 300 + ".pdf", "x" * 196 + ".pdf"),
    ],
)
def test_file_names_are_kept_without_paths_controls_or_excess(raw, clean):
    assert clean_name(raw) == clean
