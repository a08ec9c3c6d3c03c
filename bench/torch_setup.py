"""What the PyTorch peers of the benchmarks (pytorch_mlp.py, pytorch_gpt.py) share: importing
Debian's python3-torch with a given number of threads and a seed."""
import os
import sys


def load_torch(script, threads, seed):
    """torch, with `threads` threads for its own kernels and for OpenBLAS, seeded; exit 3 if
    PyTorch is not installed.

    Debian's torch calls OpenBLAS's pthread build, which torch.set_num_threads does not reach:
    without OPENBLAS_NUM_THREADS, set before the library loads, its products run on every core.
    """
    os.environ["OPENBLAS_NUM_THREADS"] = str(threads)
    try:
        import torch
    except ImportError:
        print(f"{script}: PyTorch not installed (apt-get install python3-torch)")
        sys.exit(3)
    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    return torch
