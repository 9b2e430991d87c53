"""Site tooling for the GAN course: the MkDocs plugin and the translation and quiz commands."""
