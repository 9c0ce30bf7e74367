"""Query parameters that only track a visit (campaigns, click ids, shares): dropped from an article's URL by the
reader, and not counted as a different page when the clusterer chooses who broke a story."""

from __future__ import annotations

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
