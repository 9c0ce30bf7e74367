"""What names a page (pure): the query parameters that only track a visit (campaigns, click ids, shares),
dropped from an article's URL by the reader, and the address that names the same page across its renderings
(``www.``/``m.``/``amp.`` hosts, ``/amp``, view and tracking parameters), by which who broke a story and who
links to whom are found."""

from __future__ import annotations

from urllib.parse import urlsplit

#: Query parameters that only track the visit (campaigns, click ids, mail and social shares).
TRACKING_PARAMETERS = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "ttclid",
        "li_fat_id",
        "mc_cid",
        "mc_eid",
        "igshid",
        "igsh",
        "ref_src",
        "ref_url",
        "_hsenc",
        "_hsmi",
        "__hstc",
        "__hssc",
        "__hsfp",
        "hsctatracking",
        "mkt_tok",
        "_ga",
        "_gl",
        "vero_id",
        "vero_conv",
        "oly_anon_id",
        "oly_enc_id",
        "wickedid",
        "soc_src",
        "soc_trk",
        "smid",
        "smtyp",
        "cmpid",
        "ocid",
        "sr_share",
        "at_medium",
        "at_campaign",
        "ncid",
    }
)
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_")


def is_tracking(name: str) -> bool:
    """Whether a query parameter name only tracks the visit."""
    name = name.strip().lower()
    return name in TRACKING_PARAMETERS or name.startswith(_TRACKING_PREFIXES)


#: Query parameters that ask for another rendering of the same page, not another page.
_VIEW_PARAMETERS = frozenset({"amp", "outputtype", "output", "view", "print"})
_HOST_PREFIXES = ("www.", "m.", "amp.", "mobile.")


def normalise_url(url: str) -> str:
    """What names the page: host without ``www.`` (or ``m.``, ``amp.``) and path, without scheme, trailing slash,
    ``/amp``, fragment, tracking or view parameters.
    """
    text = url.strip()
    try:
        parts = urlsplit(text if "//" in text else f"//{text}")
        host = (parts.hostname or "").rstrip(".")
    except ValueError:
        return text.lower()
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix) and host.count(".") > 1:
            host = host[len(prefix) :]
            break
    path = parts.path.rstrip("/")
    if path.endswith("/amp"):
        path = path[: -len("/amp")]
    kept = [pair for pair in parts.query.split("&") if pair and not _view_or_tracking(pair.split("=", 1)[0])]
    return host + path + ("?" + "&".join(kept) if kept else "")


def _view_or_tracking(name: str) -> bool:
    return is_tracking(name) or name.strip().lower() in _VIEW_PARAMETERS
