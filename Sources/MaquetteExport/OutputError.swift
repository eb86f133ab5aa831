import Foundation

/// Why a file was not written, in French for the user. `refused` is a destination the output
/// policy forbids (a usage error: the user names another one); `failed` is a write the system
/// refused (full disk, rights, missing folder): the previous file, if any, is intact.
public struct OutputError: Error, Equatable, CustomStringConvertible {
    public enum Kind: Equatable, Sendable {
        case refused
        case failed
    }

    public let kind: Kind
    public let description: String

    public init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }

    static func refused(_ description: String) -> OutputError { OutputError(.refused, description) }

    /// `what` could not be written because of `code` (an errno value).
    static func failed(_ what: String, errno code: Int32) -> OutputError {
        OutputError(.failed, "« \(what) » n'a pas pu être écrit : \(SystemError.french(code))")
    }
}

/// errno values in the words of the user.
public enum SystemError {
    public static func french(_ code: Int32) -> String {
        switch code {
        case ENOSPC, EDQUOT: return "disque plein"
        case EFBIG: return "fichier trop gros pour ce disque"
        case EACCES, EPERM: return "droits insuffisants"
        case EROFS: return "disque en lecture seule"
        case ENOENT, ENOTDIR: return "dossier absent"
        case EISDIR: return "c'est un dossier"
        case EEXIST: return "le fichier existe déjà"
        case ELOOP: return "lien symbolique refusé"
        case EIO: return "erreur d'entrée-sortie du disque"
        case EPIPE: return "sortie fermée par le programme qui la lisait"
        case EBADF: return "sortie fermée"
        case ENOMEM: return "mémoire insuffisante"
        case EXDEV: return "le fichier temporaire et la destination sont sur deux disques différents"
        default: return "erreur du système n° \(code)"
        }
    }
}
