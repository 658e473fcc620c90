#!/bin/bash
# Code Editor lifecycle configuration (runs as sagemaker-user at app start): points pip and conda
# at the team's package mirror when one is configured. Idle shutdown is SageMaker's native setting.
set -euo pipefail
# shellcheck disable=SC2034 # read by log() in the inlined common part
LCC_APP=CodeEditor
# @@COMMON@@

configure_mirrors
