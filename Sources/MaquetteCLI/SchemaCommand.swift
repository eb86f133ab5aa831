import ArgumentParser
import Foundation
import MaquetteCore
import MaquettePlans

/// `maquette schema`: a JSON Schema of the plan files for editors' YAML support.
struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Écrit le schéma JSON d'un fichier de plan.",
        discussion: "Écrit le schéma JSON d'un type de fichier de plan (pour l'éditeur).\n\nVoir docs/format-des-plans.md, « Complétion dans l'éditeur »."
    )

    enum FileKind: String, ExpressibleByArgument, CaseIterable {
        case operation, programme, financeurs, scenario
    }

    @Argument(help: "Type de fichier : operation, programme, financeurs ou scenario.")
    var type: FileKind = .operation

    @Argument(help: ArgumentHelp("Dossier des plans dont le schéma reprend les dispositifs, les maîtres d'ouvrage et les paramètres (par défaut : comme les autres commandes).", valueName: "dossier"))
    var dossier: String?

    func run() throws {
        let context = PlanSchema.Context(plans: try? PlansLocation.resolve(dossier).folder)
        let schema: [String: Any]
        switch type {
        case .operation: schema = PlanSchema.operation(context)
        case .programme: schema = PlanSchema.programme(context)
        case .financeurs: schema = PlanSchema.financeurs(context)
        case .scenario: schema = PlanSchema.scenario(context)
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
        "description": "Date AAAA-MM-JJ ou mois AAAA-MM", "type": "string", "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?$",
    ]
    nonisolated(unsafe) static let rateOrRange: [String: Any] = [
        "description": "Taux avec %, ou fourchette : 25 % .. 35 %", "type": "string",
        "pattern": "^[+-]?[0-9]+([.,][0-9]{1,4})?\\s*%(\\s*\\.\\.\\s*[+-]?[0-9]+([.,][0-9]{1,4})?\\s*%)?$",
    ]
    nonisolated(unsafe) static let slug: [String: Any] = ["type": "string", "pattern": "^[a-z0-9]+([.-][a-z0-9]+)*$"]
    nonisolated(unsafe) static let yesNo: [String: Any] = ["anyOf": [["type": "boolean"], ["enum": ["oui", "non"]]]]
    static func choice<E: RawRepresentable & CaseIterable>(_ type: E.Type, _ description: String) -> [String: Any] where E.RawValue == String {
        ["description": description, "enum": E.allCases.map(\.rawValue)]
    }
    static func object(_ properties: [String: Any], required: [String] = []) -> [String: Any] {
        ["type": "object", "additionalProperties": false, "properties": properties, "required": required]
    }

    /// What the plans know, for the schemas' lists of values: empty without readable plans.
    struct Context {
        var owners: [String] = []
        var dispositifs: [String] = []
        var operations: [String] = []
        var scenarios: [String] = []
        var parameters: [String] = []

        init(plans folder: String?) {
            guard let folder else { return }
            let loaded = PlanLoader.load(folder: folder)
            guard let p = loaded.plans else { return }
            owners = p.programme.maitresOuvrage.map(\.id).sorted()
            dispositifs = p.catalogue.dispositifs.keys.sorted()
            operations = p.operations.map(\.id).sorted()
            scenarios = loaded.scenarios.map(\.id).sorted()
            parameters = p.catalogue.parameters.keys.sorted()
        }
    }

    /// The JSON Schema of a value described in ``PlanFormat``.
    static func schema(of value: PlanKey.Value, _ context: Context) -> [String: Any] {
        switch value {
        case .text: return ["type": "string"]
        case .id: return slug
        case .amount: return amount
        case .rate(let range): return range ? rateOrRange : rate
        case .day: return day
        case .year: return ["type": "integer", "minimum": 1900, "maximum": 2200]
        case .integer: return ["anyOf": [["type": "integer", "minimum": 0], ["type": "string", "pattern": "^[0-9][0-9 \u{00A0}\u{202F}]*$"]]]
        case .yesNo: return yesNo
        case .choice(let values): return ["enum": values]
        case .reference(let reference):
            let values: [String]
            switch reference {
            case .maitreOuvrage: values = context.owners
            case .dispositif: values = context.dispositifs
            case .operation: values = context.operations
            case .scenario: values = context.scenarios
            case .parameter: values = context.parameters
            }
            return values.isEmpty ? slug : ["enum": values]
        case .amountOrBalance: return ["anyOf": [amount, ["const": "solde"]]]
        case .list(let item): return ["type": "array", "items": schema(of: item, context)]
        case .object(let keys): return object(keys, context)
        case .dated(let inner):
            let history = object(
                [
                    PlanKey("depuis", .day, required: true, "Date d'effet"), PlanKey("valeur", inner, required: true, "Valeur"),
                    PlanKey("reference", .text, "Texte d'où vient la valeur"),
                ], context)
            return ["anyOf": [schema(of: inner, context), ["type": "array", "items": history]]]
        case .yearShares:
            return [
                "type": "object", "description": "Répartition par année : montants ou pourcentages",
                "patternProperties": ["^[0-9]{4}$": ["anyOf": [amount, rate]]], "additionalProperties": false,
            ]
        }
    }

    /// An object whose keys are described in ``PlanFormat``: those keys only, each with its
    /// description.
    static func object(_ keys: [PlanKey], _ context: Context) -> [String: Any] {
        var properties: [String: Any] = [:]
        for key in keys {
            var property = schema(of: key.value, context)
            property["description"] = key.description
            properties[key.name] = property
        }
        return object(properties, required: keys.filter(\.required).map(\.name))
    }

    static func document(_ keys: [PlanKey], title: String, _ context: Context) -> [String: Any] {
        var schema = object(keys, context)
        schema["$schema"] = "http://json-schema.org/draft-07/schema#"
        schema["title"] = title
        return schema
    }

    static func operation(_ context: Context) -> [String: Any] {
        document(PlanFormat.operation, title: "Maquette — fichier d'opération", context)
    }

    static func programme(_ context: Context) -> [String: Any] {
        document(PlanFormat.programme, title: "Maquette — programme", context)
    }

    static func scenario(_ context: Context) -> [String: Any] {
        let operationID = schema(of: .reference(.operation), context)
        let verbs = PlanFormat.scenarioChanges.map { change -> [String: Any] in
            var keys: [String: Any] = [:]
            for key in change.keys {
                switch key {
                case "operation": keys[key] = ["anyOf": [operationID, ["const": "toutes"]]]
                case "ligne": keys[key] = ["anyOf": [schema(of: .reference(.dispositif), context), ["enum": PlanFormat.ownSources.map(\.key)]]]
                case "dispositif": keys[key] = schema(of: .reference(.dispositif), context)
                case "montant", "montant_ht", "plafond", "plancher": keys[key] = amount
                case "taux", "taux-min", "taux-max", "variation": keys[key] = rateOrRange
                case "statut": keys[key] = schema(of: PlanFormat.funding.first { $0.name == "statut" }!.value, context)
                case "nature": keys[key] = schema(of: PlanFormat.cost.first { $0.name == "nature" }!.value, context)
                case "mois", "annees": keys[key] = ["type": "integer"]
                case "financement": keys[key] = object(PlanFormat.funding, context)
                case "enveloppes": keys[key] = ["type": "array", "items": object(["annee": ["type": "integer"], "montant": amount], required: ["annee", "montant"])]
                default: keys[key] = ["type": "string"]
                }
            }
            let value: [String: Any] = change.verb == "ajouter_operation" ? object(PlanFormat.operation, context) : object(keys)
            return object([change.verb: value], required: [change.verb])
        }
        var keys = PlanFormat.scenario
        keys.removeAll { $0.name == "changements" }
        var result = document(keys, title: "Maquette — scénario", context)
        var properties = result["properties"] as? [String: Any] ?? [:]
        properties["changements"] = ["type": "array", "description": "Liste des changements", "items": ["oneOf": verbs]]
        result["properties"] = properties
        return result
    }

    static func financeurs(_ context: Context) -> [String: Any] {
        let dated: [String: Any] = [
            "anyOf": [
                ["type": "string"], ["type": "number"],
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
            "parametres": context.parameters.isEmpty
                ? ["type": "object", "additionalProperties": dated]
                : ["type": "object", "additionalProperties": dated, "propertyNames": ["enum": context.parameters]],
            "dispositifs": ["type": "array", "items": dispositif],
            "enveloppes": ["type": "array", "items": object(["dispositif": slug, "annee": ["type": "integer"], "montant": amount, "libelle": ["type": "string"]], required: ["dispositif", "annee", "montant"])],
        ])
        schema["$schema"] = "http://json-schema.org/draft-07/schema#"
        schema["title"] = "Maquette — financeurs"
        return schema
    }
}
