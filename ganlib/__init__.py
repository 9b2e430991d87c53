"""ganlib: DCGAN training and neural style transfer for the GAN lesson (CUDA or CPU).

`ganlib.lite` is a separate, standard-library-only engine for the in-browser demos.
"""
__version__ = "0.1.0"
