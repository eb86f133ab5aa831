/// The built-in catalogue of funders, dispositifs and programme-wide legal figures, written in the
/// same format as a programme's `financeurs.yaml` (which can add to it and override it).
///
/// Every figure carries the day it took effect and its reference. Sources: shared/domain,
/// financing-rules.md (sections 1, 2 and 5). `a-fournir` marks a figure that depends on a local
/// grid (Gers DETR categories, Région and Département rates): the programme must supply it.
enum BuiltinCatalogue {
    static let file = "<catalogue intégré>"

    static let text = """
        financeurs:
          - { id: etat, nom: État, categorie: etat }
          - { id: region, nom: Région Occitanie, categorie: region }
          - { id: departement, nom: Département du Gers, categorie: departement }
          - { id: epf, nom: EPF Occitanie, categorie: epf }
          - { id: bdt, nom: Banque des Territoires, categorie: banque-des-territoires }
          - { id: anah, nom: Agence nationale de l'habitat (ANAH), categorie: anah }
          - { id: ademe, nom: ADEME, categorie: ademe }
          - { id: europe, nom: Union européenne, categorie: europe }

        parametres:
          part-maitre-ouvrage-min:
            - { depuis: 2012-01-01, valeur: 20 %, reference: "CGCT art. L1111-10 III, depuis le 1er janvier 2012" }
          part-maitre-ouvrage-chef-de-file:
            - { depuis: 2014-01-29, valeur: 30 %, reference: "CGCT art. L1111-9 I (loi n° 2014-58 du 27 janvier 2014, dite MAPTAM)" }
          part-maitre-ouvrage-renovation-ecoles:
            - { depuis: 2024-03-31, valeur: 10 %, reference: "CGCT art. L1111-10 III, dernier alinéa (loi n° 2024-279 du 29 mars 2024) : rénovation énergétique des bâtiments scolaires, part fixée par le préfet" }
          dotations-taux-min:
            - { depuis: 2021-10-06, valeur: 20 %, reference: "CGCT art. R2334-27, décret n° 2021-1291 du 6 octobre 2021" }
          dotations-taux-min-indicatif:
            - { depuis: 2011-01-01, valeur: 20 %, reference: "CGCT art. R2334-27 (rédaction antérieure au décret n° 2021-1291) : le préfet pouvait fixer un taux inférieur" }
            - { depuis: 2021-10-06, valeur: abroge, reference: "Décret n° 2021-1291 du 6 octobre 2021 : le taux minimal de 20 % s'impose" }
          dotations-plafond:
            - { depuis: 2021-10-06, valeur: 80 %, reference: "CGCT art. R2334-27, décret n° 2021-1291 du 6 octobre 2021" }
          detr-aides-publiques-plafond:
            - { depuis: 2011-01-01, valeur: 80 %, reference: "CGCT art. R2334-27 (rédaction antérieure au décret n° 2021-1291) : la DETR ne peut porter les aides publiques directes au-delà de 80 %" }
            - { depuis: 2021-10-06, valeur: abroge, reference: "Décret n° 2021-1291 du 6 octobre 2021 : remplacé par le plafond commun des dotations" }
          dotations-delai-demarrage-mois:
            - { depuis: 2011-01-01, valeur: 24, reference: "CGCT art. R2334-28 : commencement d'exécution dans les 2 ans de l'arrêté attributif" }
          dotations-prorogation-demarrage-mois:
            - { depuis: 2011-01-01, valeur: 12, reference: "CGCT art. R2334-28 : prorogation d'un an au plus par le préfet" }
          dotations-delai-achevement-mois:
            - { depuis: 2011-01-01, valeur: 48, reference: "CGCT art. R2334-29 : achèvement dans les 4 ans du commencement d'exécution" }
          dotations-prorogation-achevement-mois:
            - { depuis: 2011-01-01, valeur: 24, reference: "CGCT art. R2334-29 : prorogation de 2 ans au plus" }
          dotations-prorogation-preavis-mois:
            - { depuis: 2018-10-01, valeur: 2, reference: "CGCT art. R2334-28 ; préfecture de Vaucluse : demande motivée deux mois avant l'échéance" }
          epf-portage-duree-max-mois:
            - { depuis: 2024-01-01, valeur: 120, reference: "Hypothèse : portage foncier EPF jusqu'à 10 ans, la convention de portage fixe la date de rachat (à confirmer)" }
          aides-publiques-plafond:
            - { depuis: 2018-10-01, valeur: 100 %, reference: "Décret n° 2018-514 du 25 juin 2018, art. 10" }
          fctva-taux:
            - { depuis: 2015-01-01, valeur: "16,404 %", reference: "CGCT art. L1615-6" }
          detr-seuil-commission:
            - { depuis: 2011-01-01, valeur: 150 000, reference: "CGCT art. L2334-37 (loi de finances pour 2011)" }
            - { depuis: 2018-01-01, valeur: 100 000, reference: "CGCT art. L2334-37 (loi de finances pour 2018)" }
          drac-inscrit-taux-max:
            - { depuis: 2004-01-01, valeur: 40 %, reference: "Code du patrimoine art. L621-29 (travaux de restauration et de réparation)" }
          fip-classe-taux-max:
            - { depuis: 2018-01-01, valeur: 80 %, reference: "Ministère de la Culture, fonds incitatif et partenarial" }
          fip-inscrit-taux-max:
            - { depuis: 2018-01-01, valeur: 40 %, reference: "Ministère de la Culture, fonds incitatif et partenarial" }
          fip-region-taux-min:
            - { depuis: 2018-01-01, valeur: 15 %, reference: "Ministère de la Culture, fonds incitatif et partenarial" }
          fip-population-max:
            - { depuis: 2018-01-01, valeur: 10 000, reference: "Ministère de la Culture, fonds incitatif et partenarial" }
          pvd-chef-de-projet-taux:
            - { depuis: 2020-10-01, valeur: 75 %, reference: "ANCT, co-financement du poste de chef de projet PVD" }
          pvd-chef-de-projet-plafond:
            - { depuis: 2020-10-01, valeur: 45 000, reference: "ANCT, co-financement du poste de chef de projet PVD" }
          pvd-chef-de-projet-plafond-avec-anah:
            - { depuis: 2020-10-01, valeur: 55 000, reference: "ANCT, co-financement du poste de chef de projet PVD" }
          pvd-chef-de-projet-anah-taux:
            - { depuis: 2020-10-01, valeur: 50 %, reference: "ANCT, co-financement du poste de chef de projet PVD" }
          pvd-chef-de-projet-anah-plafond:
            - { depuis: 2020-10-01, valeur: 40 000, reference: "ANCT, co-financement du poste de chef de projet PVD" }
          pvd-chef-de-projet-quotite-min:
            - { depuis: 2020-10-01, valeur: 80 %, reference: "Convention d'adhésion PVD, annexe 1 : poste dédié à au moins 80 % d'un temps plein" }
          anah-chef-de-projet-taux:
            - { depuis: 2020-01-01, valeur: 50 %, reference: "ANAH, chef de projet OPAH-RU" }
          anah-chef-de-projet-assiette-max:
            - { depuis: 2020-01-01, valeur: 80 000, reference: "ANAH, chef de projet OPAH-RU" }
          versement-avance-etat:
            - { depuis: 2018-10-01, valeur: 30 %, reference: "Décret n° 2018-514 art. 12 ; RM Sénat n° 00475 (DETR, DSIL)" }
          versement-acomptes-plafond-etat:
            - { depuis: 2018-10-01, valeur: 80 %, reference: "Décret n° 2018-514 art. 12 ; RM Sénat n° 00475 (DETR, DSIL)" }
          versement-acomptes-plafond-garantie:
            - { depuis: 2018-10-01, valeur: 60 %, reference: "Décret n° 2018-514 art. 12 : acomptes plafonnés à 60 % quand l'avance exige une garantie à première demande" }
          versement-acomptes-plafond-long:
            - { depuis: 2018-10-01, valeur: 90 %, reference: "Décret n° 2018-514 art. 12 : acomptes jusqu'à 90 % pour un projet de plus de 48 mois" }
          versement-duree-longue-mois:
            - { depuis: 2018-10-01, valeur: 48, reference: "Décret n° 2018-514 art. 12" }
          versement-avance-autres:
            - { depuis: 2000-01-01, valeur: 0 %, reference: "Hypothèse : pas d'avance hors État (à confirmer par financeur)" }
          versement-acomptes-plafond-autres:
            - { depuis: 2000-01-01, valeur: 80 %, reference: "Hypothèse : acomptes jusqu'à 80 % hors État (à confirmer par financeur)" }
          probabilite-envisage:
            - { depuis: 2000-01-01, valeur: 40 %, reference: "Hypothèse par défaut de Maquette (à ajuster dans financeurs.yaml)" }
          probabilite-sollicite:
            - { depuis: 2000-01-01, valeur: 70 %, reference: "Hypothèse par défaut de Maquette (à ajuster dans financeurs.yaml)" }
          leader-taux-max:
            - { depuis: 2023-01-01, valeur: 80 %, reference: "LEADER 2023-2027 : taux d'aide de la fiche-action du GAL (80 % par défaut, à remplacer par celui de la fiche)" }
          fonds-vert-ademe-integre:
            - { depuis: 2023-01-01, valeur: en-vigueur, reference: "Fonds vert, recyclage foncier : la dépollution est instruite par l'ADEME au sein du Fonds vert depuis 2023" }
          fonds-vert-demolition-justifiee:
            - { depuis: 2025-01-01, valeur: en-vigueur, reference: "Fonds vert, recyclage foncier 2025 : une démolition doit être justifiée par une note" }

        dispositifs:
          - id: etat.detr
            financeur: etat
            nom: Dotation d'équipement des territoires ruraux (DETR)
            nom_court: DETR
            nature: subvention
            regime: dotation-cgct
            assiette: HT
            roles: [dotation-etat, detr]
            reference: "CGCT art. L2334-32 à L2334-39, R2334-19 à R2334-35"
          - id: etat.dsil
            financeur: etat
            nom: Dotation de soutien à l'investissement local (DSIL)
            nom_court: DSIL
            nature: subvention
            regime: dotation-cgct
            assiette: HT
            roles: [dotation-etat]
            reference: "CGCT art. L2334-42"
          - id: etat.dpv
            financeur: etat
            nom: Dotation politique de la ville (DPV)
            nom_court: DPV
            nature: subvention
            regime: dotation-cgct
            roles: [dotation-etat]
            reference: "CGCT art. L2334-40"
          - id: etat.dsid
            financeur: etat
            nom: Dotation de soutien à l'investissement des départements (DSID)
            nom_court: DSID
            nature: subvention
            regime: dotation-cgct
            roles: [dotation-etat]
            reference: "CGCT art. L3334-10"
          - id: etat.fnadt
            financeur: etat
            nom: Fonds national d'aménagement et de développement du territoire (FNADT)
            nom_court: FNADT
            nature: subvention
            regime: decret-2018-514
            reference: "Décret n° 2018-514 ; pas de taux réglementaire"
          - id: etat.fonds-vert-friches
            financeur: etat
            nom: Fonds vert – recyclage foncier des friches
            nom_court: Fonds vert – friches
            nature: subvention
            regime: decret-2018-514
            natures_eligibles: [etudes, amo, maitrise-oeuvre, controles, acquisition, frais-acquisition, demolition, depollution, travaux]
            roles: [fonds-vert-friches]
            reference: "Fonds vert, mesure recyclage foncier (2023-2027)"
          - id: etat.fonds-vert-renovation
            financeur: etat
            nom: Fonds vert – rénovation énergétique des bâtiments publics
            nom_court: Fonds vert – rénovation énergétique
            nature: subvention
            regime: decret-2018-514
            natures_eligibles: [etudes, maitrise-oeuvre, controles, travaux, equipement]
            reference: "Fonds vert, rénovation énergétique (gain d'au moins 40 % d'énergie finale)"
            parametres:
              taux-max: [{ depuis: 2023-01-01, valeur: a-fournir, reference: "Taux modulé par la préfecture" }]
          - id: etat.fonds-vert-renaturation
            financeur: etat
            nom: Fonds vert – renaturation des villes
            nom_court: Fonds vert – renaturation
            nature: subvention
            regime: decret-2018-514
            natures_eligibles: [etudes, maitrise-oeuvre, travaux]
            reference: "Fonds vert, renaturation"
          - id: etat.drac-monuments-historiques
            financeur: etat
            nom: DRAC – monuments historiques
            nom_court: DRAC – monuments historiques
            nature: subvention
            regime: decret-2018-514
            assiette: HT
            natures_eligibles: [etudes, maitrise-oeuvre, controles, travaux]
            roles: [drac-monuments]
            reference: "Code du patrimoine art. L621-29 ; décret 2018-514"
          - id: etat.drac-fip
            financeur: etat
            nom: DRAC – fonds incitatif et partenarial (FIP)
            nom_court: DRAC – FIP
            nature: subvention
            regime: decret-2018-514
            assiette: HT
            natures_eligibles: [etudes, maitrise-oeuvre, controles, travaux]
            roles: [drac-fip]
            reference: "Ministère de la Culture, FIP"
          - id: etat.pvd-chef-de-projet
            financeur: etat
            nom: PVD – co-financement du chef de projet (ANCT)
            nom_court: ANCT – chef de projet PVD
            nature: subvention
            regime: autre
            natures_eligibles: [remuneration]
            roles: [pvd-chef-de-projet]
            reference: "ANCT, Petites villes de demain"
          - id: bdt.pvd-chef-de-projet
            financeur: bdt
            nom: Banque des Territoires – co-financement du chef de projet PVD
            nom_court: Banque des Territoires – chef de projet PVD
            nature: subvention
            regime: autre
            natures_eligibles: [remuneration]
            roles: [pvd-chef-de-projet]
            reference: "Banque des Territoires, Petites villes de demain"
          - id: anah.pvd-chef-de-projet
            financeur: anah
            nom: ANAH – co-financement du chef de projet PVD
            nom_court: ANAH – chef de projet PVD
            nature: subvention
            regime: cch
            natures_eligibles: [remuneration]
            roles: [pvd-chef-de-projet]
            reference: "ANAH, Petites villes de demain"
          - id: anah.chef-de-projet-opah-ru
            financeur: anah
            nom: ANAH – chef de projet OPAH-RU
            nom_court: ANAH – chef de projet OPAH-RU
            nature: subvention
            regime: cch
            natures_eligibles: [remuneration, animation]
            roles: [anah-chef-de-projet]
            reference: "ANAH, ingénierie OPAH-RU"
            parametres:
              renouvellement-mois: [{ depuis: 2020-01-01, valeur: 12, reference: "ANAH, ingénierie OPAH-RU : une demande chaque année, avant le commencement de la période" }]
          - id: anah.etude-pre-operationnelle
            financeur: anah
            nom: ANAH – étude pré-opérationnelle d'OPAH-RU
            nom_court: ANAH – étude pré-opérationnelle
            nature: subvention
            regime: cch
            assiette: HT
            natures_eligibles: [etudes]
            reference: "ANAH, ingénierie OPAH-RU (à confirmer)"
            parametres:
              taux-max: [{ depuis: 2020-01-01, valeur: 50 %, reference: "ANAH, ingénierie (non vérifié)" }]
              plafond: [{ depuis: 2020-01-01, valeur: 100 000, reference: "ANAH : 50 % de 200 000 € HT (non vérifié)" }]
          - id: anah.suivi-animation
            financeur: anah
            nom: ANAH – suivi-animation d'OPAH-RU
            nom_court: ANAH – suivi-animation
            nature: subvention
            regime: cch
            assiette: HT
            natures_eligibles: [animation, etudes]
            reference: "ANAH, ingénierie OPAH-RU (à confirmer)"
            parametres:
              taux-max: [{ depuis: 2020-01-01, valeur: 50 %, reference: "ANAH, ingénierie (non vérifié)" }]
              renouvellement-mois: [{ depuis: 2020-01-01, valeur: 12, reference: "ANAH, ingénierie OPAH-RU : une demande chaque année, avant le commencement de la période" }]
          - id: ademe.friches-polluees
            financeur: ademe
            nom: ADEME – reconversion des friches polluées
            nom_court: ADEME – friches polluées
            nature: subvention
            regime: decret-2018-514
            natures_eligibles: [etudes, depollution]
            roles: [ademe-friches]
            reference: "ADEME, friches polluées (méthodologie NF X31-620)"
            parametres:
              taux-max: [{ depuis: 2020-01-01, valeur: 100 %, reference: "ADEME : études 60 à 80 %, travaux jusqu'à 100 % du coût de dépollution" }]
          - id: bdt.ingenierie
            financeur: bdt
            nom: Banque des Territoires – ingénierie PVD
            nom_court: Banque des Territoires – ingénierie
            nature: subvention
            regime: autre
            natures_eligibles: [etudes, amo]
            reference: "Banque des Territoires, programme PVD (200 M€ d'ingénierie)"
            parametres:
              taux-max: [{ depuis: 2020-10-01, valeur: 50 %, reference: "Pratique de la Banque des Territoires (non vérifié)" }]
          - id: bdt.pret-projet-urbain
            financeur: bdt
            nom: Banque des Territoires – Prêt Projet Urbain
            nom_court: Prêt Projet Urbain
            nature: pret
            regime: autre
            reference: "Fonds d'épargne, Livret A + 1 %, 5 à 30 ans, quotité jusqu'à 100 %"
          - id: epf.portage
            financeur: epf
            nom: EPF Occitanie – portage foncier
            nom_court: Portage foncier de l'EPF
            nature: portage-foncier
            regime: autre
            natures_eligibles: [acquisition, frais-acquisition, demolition, depollution, etudes]
            reference: "EPF Occitanie, PPI 2024-2028 ; rachat par la commune au prix de revient"
          - id: region.bourgs-centres
            financeur: region
            nom: Région Occitanie – Bourgs-Centres Occitanie
            nom_court: Région – Bourgs-Centres
            demande_avant_commencement: oui
            nature: subvention
            regime: collectivite
            reference: "Région Occitanie, contrats Bourgs-Centres 2022-2028 ; règlement des aides : demande avant le commencement"
            parametres:
              taux-max: [{ depuis: 2022-01-01, valeur: a-fournir, reference: "Taux bonifiés Bourgs-Centres : non publiés" }]
          - id: region.espaces-publics
            financeur: region
            nom: Région Occitanie – aménagement des espaces publics
            nom_court: Région – espaces publics
            demande_avant_commencement: oui
            nature: subvention
            regime: collectivite
            reference: "Région Occitanie"
            parametres:
              plancher: [{ depuis: 2022-01-01, valeur: 1 000, reference: "Région Occitanie : subvention minimale de 1 000 €" }]
          - id: departement.f2d
            financeur: departement
            nom: Département du Gers – Fonds départemental de développement (F2D)
            nom_court: Département – F2D
            nature: subvention
            regime: collectivite
            reference: "Département du Gers, contrats-cadres 2021-2027 (dépôt avant le 31 janvier)"
            parametres:
              depot-avant-mois: [{ depuis: 2021-01-01, valeur: 1, reference: "Département du Gers, F2D : dossier déposé avant le 31 janvier de l'année N" }]
              depot-avant-jour: [{ depuis: 2021-01-01, valeur: 31, reference: "Département du Gers, F2D : dossier déposé avant le 31 janvier de l'année N" }]
              taux-max: [{ depuis: 2021-01-01, valeur: a-fournir, reference: "Grille départementale non publiée" }]
          - id: europe.feder
            financeur: europe
            nom: FEDER Occitanie 2021-2027
            nom_court: FEDER
            nature: subvention
            regime: europe
            reference: "Programme FEDER-FSE+ Occitanie 2021-2027 (adopté le 27/10/2022)"
          - id: europe.leader
            financeur: europe
            nom: LEADER (FEADER) – GAL du PETR
            nom_court: LEADER
            nature: subvention
            regime: europe
            roles: [leader]
            reference: "Programme LEADER 2023-2027"
        """
}
