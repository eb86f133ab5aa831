import MaquetteCLI
Maquette.main()
