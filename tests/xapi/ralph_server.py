"""Starts Ralph's LRS (ralph.api:app) under uvicorn, run by Ralph's own interpreter (var/ralph).

Ralph 5.1's filesystem LRS backend writes each batch with the "create" operation, which refuses a
file that exists: only the first batch would ever be stored. The statements file is meant to grow,
so this starter makes the backend append (a test-harness setting, not a change to what the LRS
answers); everything else is Ralph as shipped. Usage: python ralph_server.py HOST PORT"""

import sys

import uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend

FSLRSBackend.default_operation_type = BaseOperationType.APPEND

if __name__ == "__main__":
    uvicorn.run("ralph.api:app", host=sys.argv[1], port=int(sys.argv[2]), log_level="warning")
