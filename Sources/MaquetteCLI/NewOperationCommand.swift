import ArgumentParser
import Foundation
import MaquetteCore
import MaquetteExport
import MaquettePlans

/// `maquette nouvelle`: a commented operation file to fill in.
struct NewOperationCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nouvelle",
        abstract: "Écrit une nouvelle opération, à compléter.",
        discussion: "Écrit le fichier d'une nouvelle opération, commenté, à compléter (operations/ID.yaml).\n\nExemple : maquette nouvelle salle-des-fetes --maitre-ouvrage lectoure",
        aliases: ["new"]
    )

    @Argument(help: "Identifiant de la nouvelle opération (minuscules, tirets : `salle-des-fetes`).")
    var id: String

    @Option(name: .customLong("maitre-ouvrage"), help: "Identifiant du maître d'ouvrage, tel que dans programme.yaml.")
    var maitreOuvrage: String

    @Argument(help: "Dossier des plans (par défaut : MAQUETTE_PLANS, sinon le plus proche dossier de programme.yaml, sinon ./Plans).")
    var dossier: String?

    /// `--dossier`, as written before the folder became positional here too.
    @Option(name: .customLong("dossier"), help: .hidden)
    var deprecatedFolder: String?

    func validate() throws {
        guard ValueParsers.isSlug(id) else {
            throw ValidationError("identifiant invalide « \(id) » ; il s'écrit en minuscules sans accents ni espaces, avec des tirets : `salle-des-fetes`")
        }
        // The words the commands give a meaning of their own, as the reader refuses them.
        guard !["toutes", "operations", "scenarios", "base"].contains(id) else {
            throw ValidationError("« \(id) » est réservé ; choisissez un autre identifiant, par exemple `\(id)-1`")
        }
    }

    func run() throws {
        let folder = try PlansLocation.resolve(deprecatedFolder ?? dossier).folder
        let (_, p) = try loadPlans(folder, scenario: nil)
        let owners = p.programme.maitresOuvrage.map(\.id)
        guard owners.contains(maitreOuvrage) else {
            let hint = Suggestions.closest(to: maitreOuvrage, among: owners).map { "vouliez-vous dire « \($0) » ?" } ?? "maîtres d'ouvrage du programme : \(owners.joined(separator: ", "))"
            throw ValidationError("--maitre-ouvrage : maître d'ouvrage inconnu « \(maitreOuvrage) » ; \(hint)")
        }
        if p.operations.contains(where: { $0.id == id }) {
            throw ValidationError("l'opération « \(id) » existe déjà ; choisissez un autre identifiant")
        }
        let operations = (folder as NSString).appendingPathComponent("operations")
        if mkdir(operations, 0o777) != 0 && errno != EEXIST {
            throw OutputError(.failed, "le dossier « \(operations) » n'a pas pu être créé : \(SystemError.french(errno))")
        }
        let path = (operations as NSString).appendingPathComponent("\(id).yaml")
        let destination = try OutputPolicy(plansFolder: folder).destination(path, kind: .newOperation)
        let text = Self.template(id: id, owner: maitreOuvrage, year: p.programme.firstYear, schema: Self.schemaReference(from: operations))
        try AtomicFile.write(Data(text.utf8), to: destination)
        Console.out("Opération écrite : \(path)\nComplétez-la, puis : maquette verifier \(path)\n")
    }

    /// Where the operation schema is, from the operations folder: `docs/schemas/operation.schema.json`
    /// of the nearest folder upward that has it (the project's, shipped with Maquette).
    static func schemaReference(from folder: String) -> String? {
        var current = URL(fileURLWithPath: folder).standardizedFileURL.path
        var steps: [String] = []
        while true {
            if FileManager.default.fileExists(atPath: current + "/docs/schemas/operation.schema.json") {
                return (steps + ["docs/schemas/operation.schema.json"]).joined(separator: "/")
            }
            if current == "/" { return nil }
            current = (current as NSString).deletingLastPathComponent
            steps.append("..")
        }
    }

    static func template(id: String, owner: String, year: Int, schema: String?) -> String {
        // Without the project's docs/ above the plans, the usual layout is assumed; `maquette
        // schema operation` writes the file wherever it should be.
        let schemaLine = "# yaml-language-server: $schema=\(schema ?? "../../docs/schemas/operation.schema.json")\n"
        return schemaLine + """
            # Nouvelle opération, à compléter. Chaque clé est décrite dans docs/format-des-plans.md.
            # Vérifiez-la à chaque étape : maquette verifier operations/\(id).yaml
            id: \(id)
            intitule: À compléter
            maitre_ouvrage: \(owner)
            # perimetres: [pvd, ort]
            # calendrier: { debut_travaux: \(year + 1)-03, fin: \(year + 2)-06 }

            depenses:
              # Une ligne par dépense, montants hors taxes. nature : etudes, amo, maitrise-oeuvre,
              # controles, acquisition, frais-acquisition, demolition, depollution, travaux,
              # equipement, assurances, publicite, aleas, remuneration, animation.
              - libelle: Travaux
                nature: travaux
                montant_ht: 100 000
                annees: { \(year): 100 % }   # ou en euros : { \(year): 60 000, \(year + 1): 40 000 }

            financements:
              # Une ligne par aide : un dispositif du catalogue (`maquette schema operation` les
              # liste), son montant ou son taux, son statut (envisage, sollicite, notifie, verse).
              # - { dispositif: etat.detr, taux: 30 %, statut: envisage }
              # Le reste qui équilibre le plan :
              - autofinancement: solde

            """
    }
}
