package dev.gbp.io;

import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/** Plain words for the JDK's file-system exceptions, whose messages are often only a path. */
public final class FileErrors {
    private FileErrors() {}

    /** Why {@code e} happened, without the path: "permission denied", "no such file or folder", ... */
    public static String reason(Exception e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or folder: " + ((FileSystemException) e).getFile();
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied: " + ((FileSystemException) e).getFile();
        }
        if (e instanceof NotDirectoryException) {
            return "not a folder: " + ((FileSystemException) e).getFile();
        }
        if (e instanceof DirectoryNotEmptyException) {
            return "folder not empty: " + ((FileSystemException) e).getFile();
        }
        if (e instanceof FileAlreadyExistsException) {
            return "already exists: " + ((FileSystemException) e).getFile();
        }
        if (e instanceof FileSystemException) {
            FileSystemException f = (FileSystemException) e;
            return (f.getReason() != null ? f.getReason() : e.getClass().getSimpleName()) + ": " + f.getFile();
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    /** The whole message for {@code e}: the file it concerns and why. */
    public static String message(FileSystemException e) {
        if (e instanceof FileAlreadyExistsException) {
            // Ours carry a reason meant to follow the path: "... already exists (use --force to replace it)".
            return e.getFile() + " " + (e.getReason() == null ? "already exists" : e.getReason());
        }
        if (e.getClass() == FileSystemException.class && e.getReason() != null) {
            return e.getFile() + ": " + e.getReason();
        }
        return reason(e);
    }
}
