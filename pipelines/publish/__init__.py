"""Publishing a finished output folder to the Hugging Face Hub as a dataset repo.

Why it exists: an output is only useful to others once it is on the Hub, complete and
byte-identical to what the run wrote. :mod:`.plan` decides what to upload (from the
manifest) and in which bounded commits; :mod:`.hub` uploads with resume and verifies;
:mod:`.cli` is the ``lingoloom publish`` command.
"""

from lingoloom.pipelines.publish.hub import PublishError, PublishReport, publish
from lingoloom.pipelines.publish.plan import LocalFile, plan_commits, published_files

__all__ = ["LocalFile", "PublishError", "PublishReport", "plan_commits", "publish", "published_files"]
