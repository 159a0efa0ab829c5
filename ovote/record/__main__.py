"""`python -m ovote.record DIR`: the verifier without the `ovote` command."""

import sys

from ovote.record.verify import main

sys.exit(main())
