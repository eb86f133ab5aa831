import ArgumentParser
import Foundation
import MaquetteCore

/// `maquette schema`: a JSON Schema of the plan files for editors' YAML support.
struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Écrit le schéma JSON d'un type de fichier de plan (pour l'éditeur).",
        discussion: "Voir docs/format-des-plans.md, « Complétion dans l'éditeur »."
    )

    enum FileKind: String, ExpressibleByArgument, CaseIterable {
        case operation, programme, financeurs
    }

    @Argument(help: "Type de fichier : operation, programme ou financeurs.")
    var type: FileKind = .operation

    func run() throws {
        let schema: [String: Any]
        switch type {
        case .operation: schema = PlanSchema.operation
        case .programme: schema = PlanSchema.programme
        case .financeurs: schema = PlanSchema.financeurs
        }
        let data = try JSONSerialization.data(withJSONObject: schema, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        Console.out(String(decoding: data, as: UTF8.self) + "\n")
    }
}

/// JSON Schemas (draft-07, the version YAML editors support best) of the plan files.
enum PlanSchema {
    nonisolated(unsafe) static let amount: [String: Any] = [
        "description": "Montant en euros : 450000, 450 000, \"450 000,00 €\" ou 450000.50",
        "anyOf": [["type": "number", "minimum": 0], ["type": "string", "pattern": "^[0-9][0-9  \u{202F}]*([.,][0-9]{1,2})?\\s*(€|EUR)?$"]],
    ]
    nonisolated(unsafe) static let rate: [String: Any] = [
        "description": "Taux avec %, par exemple 20 % ou 16,404 %", "type": "string", "pattern": "^[0-9]+([.,][0-9]{1,4})?\\s*%$",
    ]
    nonisolated(unsafe) static let day: [String: Any] = [
        "description": "Date AAAA-MM-JJ ou mois AAAA-MM", "type": "string", "pattern": "^[0-9]{4}-[0-9]{2}(-[0-9]{2})?$",
    ]
    nonisolated(unsafe) static let slug: [String: Any] = ["type": "string", "pattern": "^[a-z0-9]+([.-][a-z0-9]+)*$"]
    nonisolated(unsafe) static let yesNo: [String: Any] = ["anyOf": [["type": "boolean"], ["enum": ["oui", "non"]]]]
    static func choice<E: RawRepresentable & CaseIterable>(_ type: E.Type, _ description: String) -> [String: Any] where E.RawValue == String {
        ["description": description, "enum": E.allCases.map(\.rawValue)]
    }
    static func object(_ properties: [String: Any], required: [String] = []) -> [String: Any] {
        ["type": "object", "additionalProperties": false, "properties": properties, "required": required]
    }

    nonisolated(unsafe) static let operation: [String: Any] = {
        let cost = object(
            [
                "libelle": ["type": "string"], "nature": choice(CostNature.self, "Nature de la dépense"), "montant_ht": amount,
                "tva": rate, "fctva": yesNo, "commentaire": ["type": "string"],
                "affectation": choice(AssetUse.self, "Affectation du bien (assiette du FCTVA)"), "premier_acte_juridique": day,
                "travaux_monument": choice(HeritageWork.self, "Travaux sur un monument (assiette de la DRAC)"), "quotite": rate,
                "justification": ["type": "string"],
                "annees": [
                    "type": "object", "description": "Répartition par année : montants ou pourcentages",
                    "patternProperties": ["^[0-9]{4}$": ["anyOf": [amount, rate]]], "additionalProperties": false,
                ],
            ], required: ["libelle", "nature", "montant_ht"])
        let funding = object([
            "dispositif": slug.merging(["description": "Identifiant du dispositif (catalogue ou financeurs.yaml)"]) { $1 },
            "autofinancement": ["anyOf": [amount, ["const": "solde"]]], "emprunt": amount, "recette": amount, "mecenat": amount,
            "fctva": amount, "libelle": ["type": "string"], "montant": amount, "taux": rate, "assiette": amount,
            "statut": ["enum": FundingStatus.allCases.map(\.rawValue) + ["envisagé", "sollicité", "notifié", "versé", "refusé"]],
            "depot": day, "notification": day, "verse": amount, "annee_enveloppe": ["type": "integer"], "derogation_demarrage": day,
            "preteur": ["type": "string"], "commentaire": ["type": "string"], "probabilite": rate, "accuse_reception": day,
            "garantie_premiere_demande": yesNo,
            "rachat": object(["annee": ["type": "integer"], "montant": amount], required: ["annee"]),
        ])
        var schema = object(
            [
                "id": slug, "intitule": ["type": "string"], "maitre_ouvrage": slug, "perimetres": ["type": "array", "items": slug],
                "section": choice(Section.self, "Investissement ou fonctionnement"), "base": choice(Basis.self, "Base du plan"),
                "calendrier": object(["premier_acte_juridique": day, "debut_travaux": day, "fin": day]), "batiment_communal": yesNo, "chef_de_file": yesNo, "cper_ou_ctec": yesNo,
                "protection": choice(HeritageProtection.self, "Protection au titre des monuments historiques"),
                "derogation_part_minimale": object(
                    ["motif": choice(OwnerShareDerogation.self, "Motif de la dérogation"), "decision_prefet": day, "part_minimale": rate], required: ["motif"]),
                "commentaire": ["type": "string"], "depenses": ["type": "array", "items": cost],
                "financements": ["type": "array", "items": funding],
            ], required: ["id", "intitule", "maitre_ouvrage", "depenses", "financements"])
        schema["$schema"] = "http://json-schema.org/draft-07/schema#"
        schema["title"] = "Maquette — fichier d'opération"
        return schema
    }()

    nonisolated(unsafe) static let programme: [String: Any] = {
        let owner = object(
            [
                "id": slug, "nom": ["type": "string"], "type": ["type": "string"],
                "regime_fctva": [
                    "anyOf": [
                        choice(FCTVARegime.self, "Année de versement du FCTVA"),
                        ["type": "array", "items": object(["depuis": day, "valeur": choice(FCTVARegime.self, "Régime"), "reference": ["type": "string"]], required: ["depuis", "valeur"])],
                    ]
                ],
                "faibles_ressources": yesNo,
                "population": ["anyOf": [["type": "integer"], ["type": "string"]]], "capacite_autofinancement": amount,
            ], required: ["id", "nom"])
        var schema = object(
            [
                "id": slug, "nom": ["type": "string"], "periode": object(["debut": ["type": "integer"], "fin": ["type": "integer"]]),
                "date_reference": day, "base": choice(Basis.self, "Base par défaut"), "commentaire": ["type": "string"],
                "maitres_ouvrage": ["type": "array", "items": owner],
            ], required: ["id", "nom", "periode", "maitres_ouvrage"])
        schema["$schema"] = "http://json-schema.org/draft-07/schema#"
        schema["title"] = "Maquette — programme"
        return schema
    }()

    nonisolated(unsafe) static let financeurs: [String: Any] = {
        let dated: [String: Any] = [
            "anyOf": [
                ["type": "string"], ["type": "integer"],
                ["type": "array", "items": object(["depuis": day, "valeur": ["type": "string"], "reference": ["type": "string"]], required: ["depuis", "valeur"])],
            ]
        ]
        let dispositif = object(
            [
                "id": slug, "financeur": slug, "nom": ["type": "string"], "nature": choice(FundingNature.self, "Nature"),
                "regime": choice(AidRegime.self, "Régime juridique"), "assiette": choice(Basis.self, "Assiette"),
                "natures_eligibles": ["type": "array", "items": choice(CostNature.self, "Nature éligible")],
                "roles": ["type": "array", "items": choice(DispositifRole.self, "Rôle")], "reference": ["type": "string"],
                "nom_court": ["type": "string"], "demande_avant_commencement": yesNo, "probabilite": rate,
                "parametres": object([
                    "taux-min": dated, "taux-max": dated, "plafond": dated, "plancher": dated, "depot-avant-mois": dated, "depot-avant-jour": dated,
                    "renouvellement-mois": dated,
                ]),
            ], required: ["id"])
        var schema = object([
            "financeurs": ["type": "array", "items": object(["id": slug, "nom": ["type": "string"], "categorie": choice(FunderCategory.self, "Catégorie")], required: ["id", "nom", "categorie"])],
            "parametres": ["type": "object", "additionalProperties": dated],
            "dispositifs": ["type": "array", "items": dispositif],
            "enveloppes": ["type": "array", "items": object(["dispositif": slug, "annee": ["type": "integer"], "montant": amount, "libelle": ["type": "string"]], required: ["dispositif", "annee", "montant"])],
        ])
        schema["$schema"] = "http://json-schema.org/draft-07/schema#"
        schema["title"] = "Maquette — financeurs"
        return schema
    }()
}
