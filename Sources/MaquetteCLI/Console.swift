import Foundation
import MaquetteExport

/// The one way the commands write to the terminal: whole texts, straight to the file
/// descriptors, every error of standard output handled.
///
/// SIGPIPE is ignored (``prepare()``), so a write to a closed pipe is an error rather than
/// death. When standard output cannot be written, Maquette stops with code 74
/// (``ExitStatus/outputFailed``): quietly when the reader has gone (EPIPE, as `maquette verifier
/// | head` wants), with a French message on standard error otherwise (closed, full disk).
/// Errors on standard error itself are ignored: there is nowhere left to say them.
enum Console {
    static func out(_ text: String) {
        let code = write(text, to: STDOUT_FILENO)
        guard code != 0 else { return }
        if code != EPIPE {
            err("erreur : la sortie standard n'a pas pu être écrite : \(SystemError.french(code)).\n")
        }
        ExitStatus.outputFailed.exit()
    }

    static func err(_ text: String) {
        _ = write(text, to: STDERR_FILENO)
    }

    /// Writes all of `text`; 0, or the errno of the failure.
    static func write(_ text: String, to fd: Int32) -> Int32 {
        var text = text
        return text.withUTF8 { bytes -> Int32 in
            guard let base = bytes.baseAddress else { return 0 }
            var offset = 0
            while offset < bytes.count {
                let n = Foundation.write(fd, base + offset, bytes.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += n
            }
            return 0
        }
    }

    /// Before anything else: SIGPIPE ignored, and the standard descriptors 0, 1 and 2, when the
    /// caller closed them (`maquette regles >&-`), held by `/dev/null` opened for reading — so
    /// no file Maquette opens later can take their number and receive the terminal's text, and
    /// a write to a closed standard output still fails (EBADF).
    static func prepare() {
        signal(SIGPIPE, SIG_IGN)
        for fd in [STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO] where fcntl(fd, F_GETFD) == -1 && errno == EBADF {
            let held = open("/dev/null", O_RDONLY)
            if held >= 0 && held != fd {
                dup2(held, fd)
                close(held)
            }
        }
    }
}
