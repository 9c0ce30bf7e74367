"""The one base of the errors a user of newsdesk meets, and the kinds under it.

Every error here says, in its message, which input or which service and what is wrong; the command line prints
any of them as one ``error:`` line and exits 1, the web app answers them with a clean page. Each kind keeps the
standard base it had (``ValueError``, ``RuntimeError``, ...), so code that catches those still does::

    NewsdeskError
    ├── what the user gave
    │   ├── RecordError          a story record or topic file          (record/file.py)
    │   ├── SettingsError        newsdesk.toml, an environment value   (settings.py)
    │   ├── SourceError          a feed, OPML list or sitemap          (ingest/sources/errors.py)
    │   │   ├── FeedError
    │   │   ├── OpmlError
    │   │   └── SitemapError
    │   ├── ReadError            a page given to `newsdesk read`       (ingest/read/values.py)
    │   ├── EditError            an editor's decision                  (desk/editing.py)
    │   ├── UserError            an editors' desk account              (store/users.py)
    │   ├── SubscriberError      a newsletter address                  (store/subscribers.py)
    │   ├── MailFileError        a bounce mailbox                      (desk/mailfiles.py)
    │   └── ExtractionEvalError  an evaluation set                     (evaluation/extraction.py)
    ├── a service the desk talks to
    │   ├── FetchError           a source's server                     (ingest/fetch/errors.py)
    │   ├── StoreError           the database                          (store/engine.py)
    │   ├── MailError            the SMTP server                       (publish/mailer.py)
    │   ├── ConfirmationLimit    the subscribe form's hourly share     (desk/mailing.py)
    │   ├── EncoderError         the embedding model and its device    (encoder/runtime.py)
    │   └── ReadAheadError       the process that reads ahead          (stories/readahead.py)
    └── keys and secrets
        ├── KeyRingError         the key ring                          (keep/keyring.py)
        └── SecuredError         an encrypted value                    (keep/secured.py)

Errors a module raises and catches itself (an image refused, a damaged stored vocabulary rebuilt, a file that is
not a plain file) are not user errors and stay outside.
"""

from __future__ import annotations


class NewsdeskError(Exception):
    """An error the user can mend or must know of: its message names the input or service and what is wrong."""
