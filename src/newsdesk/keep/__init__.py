"""What a desk keeps of its own: cached images and encrypted (``secured``) content.

- ``images``: bytes → a verified, measured image with its thumbnail, or a refusal and why (pure).
- ``svg``: is an SVG document free of script? (pure)
- ``imagecache``: the content-addressed image files on disk, written atomically; serving them.
- ``secured``: the ``secured`` value's format: AES-256-GCM over compressed JSON, versioned, keyed by id (pure).
- ``keyring``: the desk's keys: parsed, rendered, read from the key file or the environment, written 0600.
- ``caching``: the image stage: fetch what is not cached yet, politely, resumably; verify and repair.
- ``rotation``: ``newsdesk keys rotate``: a new key, every record re-encrypted, resumable.
"""
