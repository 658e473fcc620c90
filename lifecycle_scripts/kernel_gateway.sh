#!/bin/bash
# Studio Classic KernelGateway lifecycle configuration: runs inside the kernel image as whatever
# user the image uses, maybe without sudo, so it writes user-level pip and conda files only.
set -euo pipefail
# shellcheck disable=SC2034 # read by log() in the inlined common part
LCC_APP=KernelGateway
# @@COMMON@@

configure_mirrors
