import MaquetteCLI

Maquette.mainInFrench()
