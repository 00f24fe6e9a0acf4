"""The two image URL rules (crawler/extract/image_urls.py): what the archive stores, and
where a stored picture is fetched or looked up (issue 17.9)."""

from hypothesis import given
from hypothesis import strategies as st

from crawler.extract.article import Image
from crawler.extract.image_urls import canonical_image_url, image_fetch_url, on_canonical_host
from crawler.portals.tuyengiao import TUYENGIAO

REPLICA = "http://127.0.0.1:42761/thoi-su/a-127364"
CANONICAL = "https://www.tuyengiao.vn/thoi-su/a-127364"
HOSTS = TUYENGIAO.all_image_hosts


def test_a_picture_on_the_replica_is_stored_on_the_canonical_host():
    got = canonical_image_url(
        "http://127.0.0.1:42761/Uploads/2020/7/17/a.jpg?v=2", REPLICA, CANONICAL
    )
    assert got == "https://www.tuyengiao.vn/Uploads/2020/7/17/a.jpg?v=2"


def test_pictures_elsewhere_or_on_the_portal_itself_stay():
    cdn = "https://cdn.tuyengiao.vn/uploads/2020/07/17/25/a.jpg?s=1"
    assert canonical_image_url(cdn, REPLICA, CANONICAL) == cdn
    own = "https://www.tuyengiao.vn/Uploads/a.jpg"
    assert canonical_image_url(own, CANONICAL, CANONICAL) == own
    other_port = "http://127.0.0.1:9/Uploads/a.jpg"
    assert canonical_image_url(other_port, REPLICA, CANONICAL) == other_port


def test_on_canonical_host_keeps_captions_and_order():
    images = (Image("http://127.0.0.1:42761/Uploads/a.jpg", "Hội nghị", "PV"), Image("/x.jpg"))
    assert on_canonical_host(images, REPLICA, CANONICAL) == (
        Image("https://www.tuyengiao.vn/Uploads/a.jpg", "Hội nghị", "PV"),
        Image("/x.jpg"),
    )


def test_a_portal_picture_is_fetched_from_the_replica_that_stands_in_for_it():
    stored = "https://www.tuyengiao.vn/Uploads/2020/7/17/a.jpg"
    assert (
        image_fetch_url(stored, REPLICA, HOSTS) == "http://127.0.0.1:42761/Uploads/2020/7/17/a.jpg"
    )
    cdn = "https://cdn.tuyengiao.vn/uploads/2020/07/17/25/a.jpg?s=1"
    assert (
        image_fetch_url(cdn, REPLICA, HOSTS)
        == "http://127.0.0.1:42761/uploads/2020/07/17/25/a.jpg?s=1"
    )


def test_on_the_portal_a_picture_is_fetched_where_it_is():
    cdn = "https://cdn.tuyengiao.vn/uploads/a.jpg"
    assert image_fetch_url(cdn, CANONICAL, HOSTS) == cdn
    foreign = "https://example.org/a.jpg"
    assert image_fetch_url(foreign, REPLICA, HOSTS) == foreign


def test_the_two_rules_are_inverse_on_a_replica():
    served = "http://127.0.0.1:42761/Uploads/2014/1/2/20/z.jpg"
    stored = canonical_image_url(served, REPLICA, CANONICAL)
    assert stored != served and image_fetch_url(stored, REPLICA, HOSTS) == served


urls = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["http://[::1", "http://a.b:99999/x", "https://www.tuyengiao.vn:bad/"]),
    st.builds(
        "{}://{}/{}".format,
        st.sampled_from(["http", "https", "ftp"]),
        st.sampled_from(["127.0.0.1:8000", "www.tuyengiao.vn", "cdn.tuyengiao.vn", "a.b"]),
        st.text(alphabet="abc/?=.", max_size=15),
    ),
)


@given(urls, urls, urls)
def test_never_raises_and_is_idempotent(image, fetched, canonical):
    once = canonical_image_url(image, fetched, canonical)
    assert canonical_image_url(once, fetched, canonical) == once
    fetch = image_fetch_url(image, fetched, HOSTS)
    assert image_fetch_url(fetch, fetched, HOSTS) == fetch
