import CTCMalloc  // links tcmalloc, which then serves every malloc of the process (see Package.swift)
import MaquetteCLI

Maquette.mainInFrench()
