import CTCMalloc
import MaquetteCLI

// tcmalloc serves every malloc of the process (see Package.swift); one call into it keeps the
// linker from leaving it out, whatever its --as-needed default.
_ = tc_version(nil, nil, nil)
Maquette.mainInFrench()
