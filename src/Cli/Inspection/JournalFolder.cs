using Steadfast.Actors.Storage;
using Steadfast.Hosting;
using Steadfast.Runtime.History;

namespace Steadfast.Cli.Inspection;

/// <summary>
/// <c>--db</c> as one journal file or a folder of them (what <c>fleet pull</c> restores): the inspection commands read
/// every <c>*.db</c> in a folder, skipping (with a line on stderr) files that are not Steadfast journals.
/// </summary>
internal static class JournalFolder
{
    /// <summary>True when <paramref name="path"/> names a folder rather than a journal file.</summary>
    public static bool IsFolder(string path) => Directory.Exists(path);

    /// <summary>Opens every journal of the folder, in file-name order.</summary>
    /// <exception cref="JournalReadException">The folder holds no readable journal.</exception>
    public static List<(string Name, JournalReader Reader)> OpenAll(string folder)
    {
        var opened = new List<(string, JournalReader)>();
        foreach (var file in Directory.GetFiles(folder, "*.db").Order(StringComparer.Ordinal))
        {
            try
            {
                opened.Add((Path.GetFileName(file), JournalReader.Open(file)));
            }
            catch (Exception e) when (e is JournalReadException or IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
            {
                Console.Error.WriteLine($"skipped {file}: {e.Message}"); // one unreadable file does not hide the others
            }
        }
        return opened.Count > 0
            ? opened
            : throw new JournalReadException(JournalReadError.MissingFile, $"{Path.GetFullPath(folder)} holds no Steadfast journal (*.db).");
    }

    /// <summary>One workflow's history: from the file, or from the one journal of the folder that has the id.</summary>
    /// <exception cref="JournalReadException">No journal has it (or the file cannot be read).</exception>
    /// <exception cref="OptionsValidationException">Several journals of the folder have it: name one with --db.</exception>
    public static IReadOnlyList<HistoryEvent> History(string path, string workflowId)
    {
        if (!IsFolder(path))
        {
            using var reader = JournalReader.Open(path);
            return reader.History(workflowId);
        }
        var journals = OpenAll(path);
        try
        {
            var found = new List<(string Name, IReadOnlyList<HistoryEvent> History)>();
            foreach (var (name, reader) in journals)
            {
                try
                {
                    found.Add((name, reader.History(workflowId)));
                }
                catch (JournalReadException e) when (e.Error == JournalReadError.UnknownWorkflow)
                {
                    // not in this one
                }
            }
            return found switch
            {
                [var one] => one.History,
                [] => throw new JournalReadException(JournalReadError.UnknownWorkflow,
                    $"No workflow has the id '{workflowId}' in the {journals.Count} journal(s) of {Path.GetFullPath(path)}."),
                _ => throw new OptionsValidationException([$"Workflow '{workflowId}' is in {found.Count} journals of {Path.GetFullPath(path)} " +
                                                           $"({string.Join(", ", found.Select(f => f.Name))}); pass one of them with --db."]),
            };
        }
        finally
        {
            foreach (var (_, reader) in journals) reader.Dispose();
        }
    }
}
