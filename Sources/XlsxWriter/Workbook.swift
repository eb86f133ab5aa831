import CXlsxWriter
import Foundation

/// A failure of libxlsxwriter, with a French explanation for the user.
public struct XlsxError: Error, Equatable, CustomStringConvertible {
    public let code: UInt32
    public let context: String
    /// The system's reason (errno) when the library failed on a file, such as ENOSPC.
    public let cause: Int32

    public init(code: UInt32, context: String, cause: Int32 = 0) {
        self.code = code
        self.context = context
        self.cause = cause
    }

    public var description: String { context.isEmpty ? reason : "\(context) : \(reason)" }

    /// The library's reason, with the system's when there is one.
    public var reason: String {
        let reason = XlsxError.french(code)
        switch cause {
        case ENOSPC, EDQUOT: return "\(reason) — disque plein"
        case EFBIG: return "\(reason) — fichier trop gros pour ce disque"
        case EACCES, EPERM, EROFS: return "\(reason) — droits insuffisants"
        case EIO: return "\(reason) — erreur d'entrée-sortie du disque"
        case EMFILE, ENFILE: return "\(reason) — trop de fichiers ouverts à la fois"
        default: return reason
        }
    }

    /// French wording of libxlsxwriter's `lxw_error` codes.
    static func french(_ code: UInt32) -> String {
        switch lxw_error(code) {
        case LXW_ERROR_MEMORY_MALLOC_FAILED: return "mémoire insuffisante"
        case LXW_ERROR_CREATING_XLSX_FILE: return "impossible de créer le fichier (dossier absent ou protégé en écriture ?)"
        case LXW_ERROR_CREATING_TMPFILE, LXW_ERROR_READING_TMPFILE: return "impossible d'utiliser un fichier temporaire"
        case LXW_ERROR_ZIP_FILE_OPERATION, LXW_ERROR_ZIP_PARAMETER_ERROR, LXW_ERROR_ZIP_BAD_ZIP_FILE,
            LXW_ERROR_ZIP_INTERNAL_ERROR, LXW_ERROR_ZIP_FILE_ADD, LXW_ERROR_ZIP_CLOSE:
            return "erreur d'écriture de l'archive du classeur"
        case LXW_ERROR_SHEETNAME_LENGTH_EXCEEDED: return "nom de feuille de plus de 31 caractères"
        case LXW_ERROR_INVALID_SHEETNAME_CHARACTER: return "nom de feuille avec un caractère interdit ([ ] : * ? / \\)"
        case LXW_ERROR_SHEETNAME_START_END_APOSTROPHE: return "nom de feuille commençant ou finissant par une apostrophe"
        case LXW_ERROR_SHEETNAME_ALREADY_USED: return "nom de feuille déjà utilisé"
        case LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED: return "texte de plus de 32 767 caractères"
        case LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE: return "cellule hors des limites de la feuille"
        case LXW_ERROR_PARAMETER_VALIDATION: return "paramètre refusé par la bibliothèque"
        default: return "erreur de libxlsxwriter n° \(code)"
        }
    }
}

func check(_ result: lxw_error, _ context: @autoclosure () -> String) throws {
    guard result == LXW_NO_ERROR else { throw XlsxError(code: result.rawValue, context: context()) }
}

/// An `.xlsx` workbook being written. Worksheets and formats belong to it and live until
/// ``close()``, whose failure is reported; nothing from the C library escapes this type.
public final class Workbook {
    private var handle: UnsafeMutablePointer<lxw_workbook>?
    public let path: String
    private var formats: [FormatSpec: Format] = [:]
    private let failures = FailureLog()
    /// The sheets, whose constant-memory scratch files are checked at ``close()``.
    private var sheets: [UnsafeMutablePointer<lxw_worksheet>] = []

    /// Opens a new workbook at `path`. `constantMemory` streams each row to disk: rows must then
    /// be written in order. The library's scratch files go to `scratchFolder`, by default the
    /// folder of `path`: not `/tmp`, which may be small or full while the target's disk is not,
    /// and a disk that fills up then fails the writing of the workbook itself, which is reported.
    /// While the workbook is open the library's own English messages on standard error are
    /// silenced: every error it reports is returned, and put into French, by this API.
    public init(path: String, constantMemory: Bool = false, scratchFolder: String? = nil) throws {
        self.path = path
        let scratch = scratchFolder ?? URL(fileURLWithPath: path).deletingLastPathComponent().path
        LibraryMessages.silence()
        let handle = scratch.withCString { dir in
            path.withCString { p in
                var options = lxw_workbook_options(constant_memory: constantMemory ? 1 : 0, tmpdir: UnsafeMutablePointer(mutating: dir), use_zip64: 0)
                return workbook_new_opt(p, &options)
            }
        }
        guard let handle else {
            LibraryMessages.restore()
            throw XlsxError(code: LXW_ERROR_CREATING_XLSX_FILE.rawValue, context: "", cause: errno)
        }
        self.handle = handle
    }

    deinit {
        if let handle {
            _ = workbook_close(handle)
            LibraryMessages.restore()
        }
    }

    public func addWorksheet(_ name: String) throws -> Worksheet {
        guard let handle else { throw XlsxError(code: LXW_ERROR_PARAMETER_VALIDATION.rawValue, context: "classeur déjà fermé") }
        try check(name.withCString { workbook_validate_sheet_name(handle, $0) }, "feuille « \(name) »")
        errno = 0
        guard let sheet = name.withCString({ workbook_add_worksheet(handle, $0) }) else {
            // In constant-memory mode each sheet opens a scratch file: the system's limit of open
            // files is the likely cause, which errno tells.
            let cause = errno
            if cause == EMFILE || cause == ENFILE {
                throw XlsxError(code: LXW_ERROR_CREATING_TMPFILE.rawValue, context: "feuille « \(name) »", cause: cause)
            }
            throw XlsxError(code: LXW_ERROR_PARAMETER_VALIDATION.rawValue, context: "feuille « \(name) »")
        }
        sheets.append(sheet)
        return Worksheet(sheet, name: name, owner: self)
    }

    /// The format for `spec`, created once per workbook.
    public func format(_ spec: FormatSpec) throws -> Format {
        if let format = formats[spec] { return format }
        guard let handle, let raw = workbook_add_format(handle) else {
            throw XlsxError(code: LXW_ERROR_MEMORY_MALLOC_FAILED.rawValue, context: "format")
        }
        let format = Format(raw, spec)
        formats[spec] = format
        return format
    }

    public func addChart(_ kind: Chart.Kind) throws -> Chart {
        guard let handle, let chart = workbook_add_chart(handle, Chart.lxwType(kind)) else {
            throw XlsxError(code: LXW_ERROR_MEMORY_MALLOC_FAILED.rawValue, context: "graphique")
        }
        return Chart(handle: chart, failures: failures)
    }

    /// A workbook-wide name for a cell or range (`=Synthèse!$D$20`).
    public func defineName(_ name: String, formula: String) throws {
        guard let handle else { return }
        try check(name.withCString { n in formula.withCString { f in workbook_define_name(handle, n, f) } }, "nom défini « \(name) »")
    }

    /// Document properties; `created` (seconds since 1970) fixes the creation date so that the
    /// same plans give the same bytes.
    public func setProperties(title: String, subject: String, author: String, company: String, comments: String, created: Int) throws {
        guard let handle else { return }
        let strings = [title, subject, author, company, comments].map { s in s.withCString { strdup($0) } }
        defer { strings.forEach { free($0) } }
        var properties = lxw_doc_properties()
        properties.title = strings[0]
        properties.subject = strings[1]
        properties.author = strings[2]
        properties.company = strings[3]
        properties.comments = strings[4]
        // libxlsxwriter takes 0 for « no date » and writes the time of the run instead: a workbook
        // dated 1970-01-01 (SOURCE_DATE_EPOCH=0) is given the next second, so it stays reproducible.
        properties.created = time_t(created == 0 ? 1 : created)
        try check(workbook_set_properties(handle, &properties), "propriétés du classeur")
    }

    /// Writes the file and frees everything; must be called once, and its error checked.
    public func close() throws {
        guard let handle else { return }
        self.handle = nil
        // The library writes a constant-memory sheet's rows to a scratch file without checking
        // the writes: a failure there (full disk) would be a truncated sheet in a workbook said
        // to be written. The stream's error flag tells.
        var scratch: XlsxError?
        for sheet in sheets {
            guard let file = sheet.pointee.optimize_tmpfile else { continue }
            errno = 0
            if fflush(file) != 0 || ferror(file) != 0 {
                scratch = scratch ?? XlsxError(code: LXW_ERROR_CREATING_TMPFILE.rawValue, context: "", cause: errno)
            }
        }
        errno = 0
        let result = workbook_close(handle)
        let cause = errno
        LibraryMessages.restore()
        guard result == LXW_NO_ERROR else {
            throw XlsxError(code: result.rawValue, context: "", cause: cause)
        }
        if let failure = scratch ?? failures.first { throw failure }
    }
}

/// A worksheet of a ``Workbook``; valid until the workbook is closed.
public struct Worksheet {
    let handle: UnsafeMutablePointer<lxw_worksheet>
    public let name: String
    let owner: Workbook

    init(_ handle: UnsafeMutablePointer<lxw_worksheet>, name: String, owner: Workbook) {
        self.handle = handle
        self.name = name
        self.owner = owner
    }

    public func write(_ text: String, row: Int, column: Int) throws {
        try check(
            text.withCString { worksheet_write_string(handle, lxw_row_t(row), lxw_col_t(column), $0, nil) },
            at(row, column))
    }

    public func write(number: Double, row: Int, column: Int) throws {
        try check(worksheet_write_number(handle, lxw_row_t(row), lxw_col_t(column), number, nil), at(row, column))
    }

    /// A formula with its computed value stored, so viewers that do not recalculate show it.
    public func write(formula: String, value: Double, row: Int, column: Int) throws {
        try check(
            formula.withCString { worksheet_write_formula_num(handle, lxw_row_t(row), lxw_col_t(column), $0, nil, value) },
            at(row, column))
    }
}
